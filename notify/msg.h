/* Internal helpers around the public xr_msg schema. */
#ifndef NTF_MSG_H
#define NTF_MSG_H

#include "xpsraster/notify.h"

/* "progress", "query", ...; "?" for an unknown kind. */
const char *ntf_msg_kind_name(int kind);

#endif
