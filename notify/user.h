/* Who may receive what: the job's user and the administrators. */
#ifndef NTF_USER_H
#define NTF_USER_H

#include <sys/types.h>

#define NTF_NO_UID ((uid_t)-1)
#define NTF_ADMIN_GROUP "lpadmin"

/* The uid of a user name, or NTF_NO_UID when unknown. */
uid_t ntf_user_uid(const char *name);
/* Root, or a member (primary or supplementary) of lpadmin, by the user
 * database. */
int ntf_user_is_admin(uid_t uid);
/* The gid of a group name, or NTF_NO_GID. */
gid_t ntf_group_gid(const char *name);
#define NTF_NO_GID ((gid_t)-1)

#endif
