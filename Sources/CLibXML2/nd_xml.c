#include "nd_xml.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>

/// State hung off the parser context's `_private`, which libxml2 also carries into the
/// sub-contexts it makes to expand internal entities.
typedef struct nd_state {
    const nd_xml_handler *handler;
    nd_xml_result *result;
    /// Character data gathered since the last tag, while the handler wants it.
    unsigned char *text;
    size_t length, capacity;
    int want_text;
} nd_state;

/// Pieces of text are handed over at this size even before a tag comes, to bound the buffer.
enum { ND_FLUSH_AT = 1 << 20 };

static nd_state *state_of(void *ctx) { return (nd_state *)((xmlParserCtxtPtr)ctx)->_private; }

// External entities and DTDs are never read, whatever the document asks: this loader replaces
// libxml2's default one, which would open file:// URLs even under XML_PARSE_NONET.
static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_libxml(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(deny_loader);
}
void nd_xml_init(void) { pthread_once(&init_once, init_libxml); }

static void flush_text(nd_state *state) {
    if (state->length == 0) return;
    state->handler->characters(state->handler->userdata, state->text, state->length);
    state->length = 0;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes) {
    (void)nb_namespaces; (void)namespaces; (void)nb_defaulted;
    nd_state *state = state_of(ctx);
    flush_text(state);
    const nd_xml_handler *h = state->handler;
    state->want_text = h->start_element(h->userdata, localname, prefix, uri, nb_attributes, attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    (void)prefix;
    nd_state *state = state_of(ctx);
    flush_text(state);
    const nd_xml_handler *h = state->handler;
    state->want_text = h->end_element(h->userdata, localname, uri);
}

static void on_characters(void *ctx, const xmlChar *text, int length) {
    nd_state *state = state_of(ctx);
    if (!state->want_text || length <= 0) return;
    size_t needed = state->length + (size_t)length;
    if (needed > ND_FLUSH_AT) {
        flush_text(state);
        needed = (size_t)length;
    }
    if (needed > state->capacity) {
        size_t capacity = state->capacity ? state->capacity : 4096;
        while (capacity < needed) capacity *= 2;
        unsigned char *grown = realloc(state->text, capacity);
        if (grown == NULL) {
            flush_text(state);
            state->handler->characters(state->handler->userdata, text, (size_t)length);
            return;
        }
        state->text = grown;
        state->capacity = capacity;
    }
    memcpy(state->text + state->length, text, (size_t)length);
    state->length += (size_t)length;
}

// Declarations of external entities are dropped, so a reference to one is an undeclared
// entity (an error the parse recovers from), never a read.
static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content) {
    if (type != XML_INTERNAL_GENERAL_ENTITY && type != XML_INTERNAL_PARAMETER_ENTITY) return;
    xmlSAX2EntityDecl(ctx, name, type, public_id, system_id, content);
}

static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *public_id, const xmlChar *system_id) {
    (void)ctx; (void)public_id; (void)system_id;
    return NULL;
}

static void on_error(void *ctx, xmlErrorPtr error) {
    if (error == NULL || error->level < XML_ERR_ERROR) return;
    nd_xml_result *r = state_of(ctx)->result;
    if (error->code == XML_ERR_ENTITY_LOOP) r->entity_bomb = 1;
    if (r->error_count++ == 0) {
        r->first_error_code = error->code;
        r->first_error_line = error->line;
        r->first_error_column = error->int2;
        const char *message = error->message ? error->message : "unknown error";
        strncpy(r->first_error_message, message, sizeof r->first_error_message - 1);
        r->first_error_message[sizeof r->first_error_message - 1] = 0;
        size_t n = strlen(r->first_error_message);
        while (n > 0 && (r->first_error_message[n - 1] == '\n' || r->first_error_message[n - 1] == ' '))
            r->first_error_message[--n] = 0;
    }
}

static void ignore_characters(void *ctx, const xmlChar *text, int length) { (void)ctx; (void)text; (void)length; }

int nd_xml_parse(const char *buffer, size_t length, const nd_xml_handler *handler, nd_xml_result *result) {
    memset(result, 0, sizeof *result);
    if (length > (size_t)INT32_MAX) {
        result->error_count = 1;
        result->stopped_early = 1;
        strcpy(result->first_error_message, "document too large");
        return -1;
    }
    nd_xml_init();
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buffer, (int)length);
    if (ctxt == NULL) {
        result->error_count = 1;
        strcpy(result->first_error_message, "libxml2 could not create a parser (out of memory or empty input)");
        return -1;
    }
    // Start from libxml2's SAX2 defaults (they keep the DTD's internal entities), then take over
    // the events Newsdesk reads and everything that could reach outside the document.
    xmlSAXHandler sax;
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = handler ? on_start : NULL;
    sax.endElementNs = handler ? on_end : NULL;
    sax.characters = handler ? on_characters : ignore_characters;
    sax.cdataBlock = handler ? on_characters : ignore_characters;
    sax.ignorableWhitespace = ignore_characters;
    sax.comment = NULL;
    sax.processingInstruction = NULL;
    sax.reference = NULL;
    sax.entityDecl = on_entity_decl;
    sax.resolveEntity = on_resolve_entity;
    sax.externalSubset = NULL;
    sax.warning = NULL;
    sax.error = NULL;
    sax.serror = on_error;
    memcpy(ctxt->sax, &sax, sizeof sax);

    nd_state state = { handler, result, NULL, 0, 0, 0 };
    ctxt->_private = &state;
    // Input is always UTF-8 by now (Newsdesk transcodes first), so the declaration is ignored.
    xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA |
                                XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);

    xmlParseDocument(ctxt);
    if (handler != NULL) flush_text(&state);
    free(state.text);

    if (ctxt->instate == XML_PARSER_EOF && ctxt->input != NULL && ctxt->input->cur != NULL &&
        ctxt->input->end != NULL && ctxt->input->cur < ctxt->input->end && result->error_count > 0)
        result->stopped_early = 1;
    // Halting sets disableSAX: to 2 from libxml2 2.11, to 1 before (Debian 12 has 2.9.14). Under
    // XML_PARSE_RECOVER nothing else sets it, so any value means libxml2 stopped before the end.
    if (ctxt->disableSAX != 0) result->stopped_early = 1;
    int status = (ctxt->wellFormed && result->error_count == 0) ? 0 : 1;
    if (ctxt->myDoc != NULL) xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    xmlFreeParserCtxt(ctxt);
    return status;
}
