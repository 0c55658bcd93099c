#ifndef NEWSDESK_ND_XML_H
#define NEWSDESK_ND_XML_H

// The whole of Newsdesk's contact with libxml2, behind an opaque API.
// Debian's libxml2 headers include ICU headers that clash with Foundation's own ICU module,
// so this header declares only plain C types; the libxml2 includes live in nd_xml.c.

#include <stddef.h>

/// Streaming callbacks, called in document order. Strings are UTF-8 and valid only during the call.
/// `attributes` holds 5 pointers per attribute: local name, prefix, namespace URI, value start, value end.
/// Element names and namespace URIs are interned by libxml2: equal strings usually share a pointer.
///
/// Character data is gathered on the C side and delivered in one piece before the next start or
/// end tag (libxml2 reports it in many small pieces, one per entity reference), and only while the
/// last start or end callback returned non-zero ("I want the text that follows").
typedef struct nd_xml_handler {
    void *userdata;
    int (*start_element)(void *userdata, const unsigned char *localname, const unsigned char *prefix,
                         const unsigned char *uri, int nb_attributes, const unsigned char **attributes);
    int (*end_element)(void *userdata, const unsigned char *localname, const unsigned char *uri);
    void (*characters)(void *userdata, const unsigned char *text, size_t length);
} nd_xml_handler;

/// What a parse found wrong. Only the first error is described in full.
typedef struct nd_xml_result {
    int error_count;
    int first_error_code;
    int first_error_line;
    int first_error_column;
    /// libxml2 gave up before the end (depth or amplification limits, a fatal encoding error).
    int stopped_early;
    /// An entity expanded in a loop or beyond libxml2's amplification limits: a hostile document.
    int entity_bomb;
    char first_error_message[240];
} nd_xml_result;

/// Installs the deny-all external entity loader and initialises libxml2. Call once, before any
/// thread parses; later calls do nothing.
void nd_xml_init(void);

/// Parses UTF-8 `buffer` with SAX2 in recovery mode: no network, no external entities or DTDs,
/// libxml2's default limits (never XML_PARSE_HUGE). Returns 0 when the document was well-formed.
/// With a NULL handler nothing is reported: the bare cost of the parse (the benchmark floor).
int nd_xml_parse(const char *buffer, size_t length, const nd_xml_handler *handler, nd_xml_result *result);

#endif
