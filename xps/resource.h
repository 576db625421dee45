/* Resource dictionaries and {StaticResource} references (private). */
#ifndef XPS_RESOURCE_H
#define XPS_RESOURCE_H

#include "xps/page_imp.h"

/* Brings the dictionary of a FixedPage.Resources / Canvas.Resources node
 * into scope (r->res), loading a remote Source= dictionary from the
 * package. Scopes live in r->arena, so they end with the arena mark the
 * caller releases. Returns 0, XR_E_SYNTAX (warned: the element is to be
 * skipped) or a fatal status with r->err filled. */
int xps_resources_push(xps_run *r, const xps_node *prop);

/* Resolves v when it is "{StaticResource key}": returns 1 with *node, and
 * makes the resource's own scope current until xps_resource_leave, so
 * references inside it resolve where it was defined. Returns 0 for a plain
 * value, XR_E_SYNTAX (warned) for a bad or missing key, XR_E_FORMAT for a
 * reference cycle and XR_E_LIMIT past RESOURCE_DEPTH (r->err filled). */
int xps_resource_enter(xps_run *r, const char *v, long line,
                       const xps_node **node, xps_rscope **saved);
void xps_resource_leave(xps_run *r, const xps_node *node, xps_rscope *saved);

/* Counts one more level of resource or visual-brush nesting: 0, or
 * XR_E_LIMIT (r->err filled) past RESOURCE_DEPTH. Pair with _pop. */
int xps_res_depth_push(xps_run *r, long line);
void xps_res_depth_pop(xps_run *r);

#endif
