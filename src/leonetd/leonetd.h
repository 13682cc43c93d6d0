/*
 * leonetd.h - the daemon's verbs (main.c dispatches):
 *   leonetd seed  --db PATH [--scenario NAME|FILE]       seed.c
 *   leonetd token create --db PATH --role ROLE [--account ID]
 *                 [--terminal ID]                        token.c
 *   leonetd serve --db PATH --listen ADDR:PORT [--config FILE]  serve.c
 * Each returns the process exit code: 0 ok, 1 the audit log does not
 * match the database (serve, logkey.c), 2 bad input or usage, 3 the
 * work failed (as `leonet`).
 */
#ifndef LN_LEONETD_LEONETD_H
#define LN_LEONETD_LEONETD_H

int ld_seed_main(int argc, char **argv);
int ld_token_main(int argc, char **argv);
int ld_serve_main(int argc, char **argv);

#endif
