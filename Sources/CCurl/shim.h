#ifndef NEWSDESK_CCURL_SHIM_H
#define NEWSDESK_CCURL_SHIM_H

#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

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

/// The connection guard (CURLOPT_OPENSOCKETFUNCTION): asked before every socket libcurl
/// opens, with the address it is about to connect to. It opens the socket itself (with
/// ``nd_open_socket``) or returns CURL_SOCKET_BAD to refuse the address.
typedef curl_socket_t (*nd_opensocket_callback)(void *userdata, curlsocktype purpose, struct curl_sockaddr *address);
static inline CURLcode nd_easy_setopt_opensocket(CURL *h, nd_opensocket_callback v) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, v); }

/// The socket libcurl asked for, opened close-on-exec.
static inline curl_socket_t nd_open_socket(const struct curl_sockaddr *address) {
#ifdef SOCK_CLOEXEC
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
#else
    return socket(address->family, address->socktype, address->protocol);
#endif
}

/// The address libcurl is about to connect to. `struct curl_sockaddr` declares `addr` as a
/// 16-byte `struct sockaddr` but stores a whole `sockaddr_in6` there: a copy of the field in
/// Swift would cut an IPv6 address short, so the pointer is taken here.
static inline const struct sockaddr *nd_curl_sockaddr(const struct curl_sockaddr *address) { return &address->addr; }

/// The IP address in `address` (`length` bytes long) in network order: copies 4 bytes (AF_INET)
/// or 16 (AF_INET6) into `out` and returns that count, 0 for any other family or a short length.
static inline int nd_sockaddr_ip(const struct sockaddr *address, unsigned int length, unsigned char out[16]) {
    if (address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        memcpy(out, &((const struct sockaddr_in *)(const void *)address)->sin_addr, 4);
        return 4;
    }
    if (address->sa_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        memcpy(out, &((const struct sockaddr_in6 *)(const void *)address)->sin6_addr, 16);
        return 16;
    }
    return 0;
}

/// The request guard (CURLOPT_PREREQFUNCTION): called once a connection is made or taken from
/// the pool, before each request is sent on it, with the address it goes to. Returning
/// CURL_PREREQFUNC_ABORT ends the transfer before any byte of the request leaves.
typedef int (*nd_prereq_callback)(void *userdata, char *primary_ip, char *local_ip, int primary_port, int local_port);
static inline CURLcode nd_easy_setopt_prereq(CURL *h, nd_prereq_callback v) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, v); }

static inline CURLcode nd_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nd_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nd_easy_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nd_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode nd_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

#endif
