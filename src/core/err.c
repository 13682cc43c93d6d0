/*
 * err.c - messages and names for the codes of err.h.
 */
#include "leonet/err.h"

const char *ln_strerror(int code)
{
    switch (code) {
    case LN_OK:
        return "ok";
#define LN_ERR_MSG(name, val, msg) \
    case name:                     \
        return msg;
        LN_ERRNO_MAP(LN_ERR_MSG)
#undef LN_ERR_MSG
    default:
        return "unknown error";
    }
}

const char *ln_errname(int code)
{
    switch (code) {
    case LN_OK:
        return "LN_OK";
#define LN_ERR_NAME(name, val, msg) \
    case name:                      \
        return #name;
        LN_ERRNO_MAP(LN_ERR_NAME)
#undef LN_ERR_NAME
    default:
        return "LN_E?";
    }
}
