/*
 * parts.c - the daemon's parts: one row each, its route table and its
 * hooks (srv_int.h, "parts"). A part adds its ONE row below; nothing
 * else in the core names it. Order: routes are matched over all tables
 * (the most literal pattern wins, route.c), init runs top to bottom,
 * fini bottom to top, ingested top to bottom after every durable ingest.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "live.h"
#include "trust_srv.h"

const srv_part srv_parts[] = {
    {"core", srv_routes_core, NULL, NULL, NULL},
    {"admin", srv_routes_admin, NULL, NULL, NULL},
    {"live", srv_routes_live, srv_live_init, srv_live_fini, srv_live_reports},
    {"v2", srv_routes_v2, NULL, NULL, NULL},
    {"trust", srv_routes_trust, srv_trust_init, srv_trust_fini, NULL},
    {"audit", srv_routes_audit, srv_audit_init, srv_audit_fini, NULL},
    {NULL, NULL, NULL, NULL, NULL}};

void **srv_slot(srv *s, const char *part)
{
    for (int i = 0; srv_parts[i].name && i < SRV_PARTS_MAX; i++)
        if (!strcmp(srv_parts[i].name, part))
            return &s->slot[i];
    return NULL;
}

int ln_server_routes(FILE *f)
{
    for (const srv_part *p = srv_parts; p->name; p++)
        for (const srv_route *r = p->routes; r && r->method; r++) {
            json_t *o = json_object(), *roles = json_array();
            for (int k = 0; k < LN_ROLE_COUNT_; k++)
                if (r->roles & SRV_ROLE(k))
                    json_array_append_new(roles,
                                          json_string(ln_role_name(k)));
            json_object_set_new(o, "method", json_string(r->method));
            json_object_set_new(o, "pattern", json_string(r->pattern));
            json_object_set_new(o, "permission",
                                r->permission ? json_string(r->permission)
                                              : json_null());
            json_object_set_new(o, "roles", roles);
            json_object_set_new(o, "starlink", json_boolean(r->starlink));
            json_object_set_new(o, "name", json_string(r->name ? r->name
                                                                : ""));
            json_object_set_new(o, "part", json_string(p->name));
            char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            json_decref(o);
            if (!t || fprintf(f, "%s\n", t) < 0) {
                free(t);
                return LN_EIO;
            }
            free(t);
        }
    return fflush(f) ? LN_EIO : 0;
}
