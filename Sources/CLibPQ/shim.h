#ifndef NEWSDESK_CLIBPQ_SHIM_H
#define NEWSDESK_CLIBPQ_SHIM_H

// libpq, PostgreSQL's own client library: connections, parameterized statements, results.
#include <libpq-fe.h>

#endif
