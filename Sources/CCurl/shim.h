#ifndef NEWSDESK_CCURL_SHIM_H
#define NEWSDESK_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
// call. Each wrapper below fixes one argument type. libcurl reads integer options as `long`.

static inline CURLcode nd_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nd_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nd_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nd_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nd_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

/// The write and header callbacks share curl's `size_t (char *, size_t, size_t, void *)` shape.
typedef size_t (*nd_write_callback)(char *data, size_t size, size_t count, void *userdata);
static inline CURLcode nd_easy_setopt_write(CURL *h, CURLoption o, nd_write_callback v) { return curl_easy_setopt(h, o, v); }

/// The progress callback (CURLOPT_XFERINFOFUNCTION), called at least about once a second even
/// while nothing arrives: returning non-zero aborts the transfer, so a blocking
/// curl_easy_perform can be cancelled from its own thread.
typedef int (*nd_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode nd_easy_setopt_xferinfo(CURL *h, nd_xferinfo_callback v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }

static inline CURLcode nd_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nd_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nd_easy_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nd_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode nd_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

#endif
