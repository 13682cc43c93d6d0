"""openapi_check.py - every answer a test received, checked against
docs/api/leonetd.yaml (python3-yaml, python3-jsonschema).

    check_all(answers)   answers: (method, path, status, body, ctype)
                         tuples (lnd.py's Daemon.answers); raises
                         AssertionError naming the operation, the status
                         and what is wrong
    load()               the spec, parsed (cached)
    problems(spec)       what is wrong with the spec itself: a $ref that
                         does not resolve, an operation without responses,
                         a schema jsonschema refuses (the yaml test)

How an answer is matched: the path (query string dropped) against the
path templates, a {name} segment matching one non-empty segment, the
template with the most literal segments winning; then the method, then
the status among the operation's responses. A path no template matches,
or a method the path does not have, must be one of the spec's
x-unmatched-responses. A JSON body is validated against the response's
schema, the OpenAPI 3.0 schema objects turned into JSON Schema (draft 4:
nullable becomes a "null" type, $refs are inlined, OpenAPI-only keywords
dropped); a non-JSON body must have a media type the response lists;
an empty answer without a media type is checked for its status alone.
"""
import copy
import json
import os

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "docs", "api", "leonetd.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
OAS_ONLY = ("nullable", "discriminator", "xml", "externalDocs", "example",
            "examples", "deprecated", "readOnly", "writeOnly")

_cache = {}


def load(path=SPEC):
    if path not in _cache:
        with open(path) as f:
            _cache[path] = yaml.safe_load(f)
    return _cache[path]


def resolve(spec, ref):
    """The object a local $ref ("#/a/b") points at; KeyError if none."""
    if not ref.startswith("#/"):
        raise KeyError("not a local reference: %s" % ref)
    node = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]
    return node


def to_jsonschema(spec, node, seen=()):
    """An OpenAPI 3.0 schema object as a JSON Schema (draft 4) with every
    $ref inlined."""
    if isinstance(node, list):
        return [to_jsonschema(spec, x, seen) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise KeyError("recursive $ref %s" % ref)
        return to_jsonschema(spec, resolve(spec, ref), seen + (ref,))
    out = {}
    for k, v in node.items():
        if k in OAS_ONLY or k.startswith("x-"):
            continue
        if k == "properties":
            out[k] = {p: to_jsonschema(spec, s, seen) for p, s in v.items()}
        else:
            out[k] = to_jsonschema(spec, v, seen)
    if node.get("nullable"):
        if "type" in out:
            t = out["type"]
            out["type"] = (t if isinstance(t, list) else [t]) + ["null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
        if any(k in out for k in ("allOf", "anyOf", "oneOf")):
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _walk_refs(spec, node, where, bad):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                try:
                    resolve(spec, v)
                except (KeyError, TypeError):
                    bad.append("%s: $ref %s does not resolve" % (where, v))
            else:
                _walk_refs(spec, v, where + "/" + str(k), bad)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _walk_refs(spec, v, "%s[%d]" % (where, i), bad)


def problems(spec):
    """Everything wrong with the spec itself, as a list of strings."""
    bad = []
    for key in ("openapi", "info", "paths", "components"):
        if key not in spec:
            bad.append("no top-level '%s'" % key)
    if not str(spec.get("openapi", "")).startswith("3.0"):
        bad.append("openapi is not 3.0.x: %r" % spec.get("openapi"))
    _walk_refs(spec, spec, "#", bad)
    if bad:
        return bad
    for path, item in spec["paths"].items():
        ops = [m for m in item if m in METHODS]
        if not ops:
            bad.append("%s: no operation" % path)
        for m in ops:
            op = item[m]
            name = "%s %s" % (m.upper(), path)
            if not op.get("responses"):
                bad.append("%s: no responses" % name)
            if "x-starlink" not in op:
                bad.append("%s: no x-starlink (true or false)" % name)
            for status, resp in (op.get("responses") or {}).items():
                _check_schema(spec, name, status, resp, bad)
            for seg in path.split("/"):
                if seg.startswith("{"):
                    params = [resolve(spec, p["$ref"]) if "$ref" in p else p
                              for p in op.get("parameters", [])]
                    if not any(p.get("in") == "path" and
                               p.get("name") == seg[1:-1] for p in params):
                        bad.append("%s: path parameter %s not declared"
                                   % (name, seg))
    for status, resp in spec.get("x-unmatched-responses", {}).items():
        _check_schema(spec, "x-unmatched-responses", status, resp, bad)
    return bad


def _check_schema(spec, name, status, resp, bad):
    resp = resolve(spec, resp["$ref"]) if "$ref" in resp else resp
    if "description" not in resp:
        bad.append("%s %s: response without a description" % (name, status))
    for media, body in (resp.get("content") or {}).items():
        if "schema" not in body:
            continue
        try:
            jsonschema.Draft4Validator.check_schema(
                to_jsonschema(spec, body["schema"]))
        except (jsonschema.SchemaError, KeyError) as e:
            bad.append("%s %s %s: bad schema: %s" % (name, status, media,
                                                     str(e)[:300]))


def _templates(spec):
    if "_templates" not in _cache:
        t = []
        for path in spec["paths"]:
            segs = path.strip("/").split("/")
            literal = sum(1 for s in segs if not s.startswith("{"))
            t.append((literal, path, segs))
        t.sort(key=lambda x: -x[0])
        _cache["_templates"] = t
    return _cache["_templates"]


def match_path(spec, path):
    """The path template a request path belongs to, or None."""
    segs = path.split("?", 1)[0].strip("/").split("/")
    for _, tpl, tsegs in _templates(spec):
        if len(tsegs) != len(segs):
            continue
        if all(t == s or (t.startswith("{") and s != "")
               for t, s in zip(tsegs, segs)):
            return tpl
    return None


def _response(spec, method, path, status):
    """(operation name, response object) for an answer; raises
    AssertionError when the spec has none for it."""
    tpl = match_path(spec, path)
    st = str(status)
    unmatched = spec.get("x-unmatched-responses", {})
    if tpl is None or method.lower() not in spec["paths"][tpl]:
        name = "%s %s (%s)" % (method, path, "no such path" if tpl is None
                               else "path %s has no %s" % (tpl, method))
        if st not in unmatched:
            raise AssertionError("%s: status %s is not among "
                                 "x-unmatched-responses %s"
                                 % (name, st, sorted(unmatched)))
        return name, unmatched[st]
    op = spec["paths"][tpl][method.lower()]
    name = "%s %s (%s)" % (method, tpl,
                           op.get("operationId", "no operationId"))
    responses = op.get("responses", {})
    if st in responses:
        return name, responses[st]
    if "default" in responses:
        return name, responses["default"]
    raise AssertionError("%s: status %s is not documented (the operation "
                         "lists %s)" % (name, st, sorted(responses)))


def check_one(spec, method, path, status, body, ctype):
    name, resp = _response(spec, method, path, status)
    if "$ref" in resp:
        resp = resolve(spec, resp["$ref"])
    content = resp.get("content") or {}
    media = (ctype or "").split(";")[0].strip().lower()
    if not content or (not body and not media):
        return  # documented status; nothing to check in an empty answer
    if media not in content:
        raise AssertionError("%s: status %s answered %r, the spec lists %s"
                             % (name, status, media, sorted(content)))
    schema = content[media].get("schema")
    if schema is None or not media.endswith("json"):
        return
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise AssertionError("%s: status %s: the body is not JSON: %s"
                             % (name, status, e))
    key = json.dumps(schema, sort_keys=True)
    cache = _cache.setdefault("_validators", {})
    if key not in cache:
        cache[key] = jsonschema.Draft4Validator(to_jsonschema(spec, schema))
    err = jsonschema.exceptions.best_match(cache[key].iter_errors(doc))
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        raise AssertionError("%s: status %s: the body does not match the "
                             "spec at %s: %s" % (name, status, where,
                                                 err.message[:400]))


def check_all(answers, path=SPEC):
    """Checks every (method, path, status, body, ctype) answer; raises
    AssertionError at the first that the spec does not describe."""
    spec = load(path)
    for method, p, status, body, ctype in answers:
        if method.upper() == "HEAD":
            continue
        check_one(spec, method.upper(), p, status, body, ctype)


if __name__ == "__main__":
    import sys
    spec = load(sys.argv[1] if len(sys.argv) > 1 else SPEC)
    bad = problems(copy.deepcopy(spec))
    for b in bad:
        print("leonetd.yaml:", b)
    sys.exit(1 if bad else 0)
