/* TEMPORARY: placeholders until the XML/save/JSON formatters land. */
#include "ct_print.h"
#include "out.h"

void ct_print_xml(struct out *o, const struct ct *ct, const struct ct_print_opts *po) { ct_print_text(o, ct, po); }
void ct_print_xml_header(struct out *o, const char *root) { (void)o; (void)root; }
void ct_print_xml_footer(struct out *o, const char *root) { (void)o; (void)root; }
void ct_print_save(struct out *o, const struct ct *ct, const struct ct_print_opts *po) { ct_print_text(o, ct, po); }
void ct_print_json(struct out *o, const struct ct *ct, const struct ct_print_opts *po) { ct_print_text(o, ct, po); }
