/* Job users and administrators, resolved through the system's user
 * database (NSS), so LDAP or sssd users work as local ones do. */
#include "notify/user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

/* NSS answers can exceed any fixed buffer (large groups); grow up to a cap
 * instead of failing or trusting sysconf's hint. */
#define NSS_BUF_MIN 4096
#define NSS_BUF_MAX (1u << 20)

uid_t ntf_user_uid(const char *name) {
  struct passwd pw, *res = NULL;
  size_t cap = NSS_BUF_MIN;
  uid_t uid = NTF_NO_UID;
  if (!name || !*name)
    return NTF_NO_UID;
  for (;;) {
    char *buf = malloc(cap);
    int rc;
    if (!buf)
      return NTF_NO_UID;
    rc = getpwnam_r(name, &pw, buf, cap, &res);
    if (rc == 0 && res)
      uid = res->pw_uid;
    free(buf);
    if (rc != ERANGE || cap >= NSS_BUF_MAX)
      return uid;
    cap *= 2;
  }
}

int ntf_user_is_admin(uid_t uid) {
  struct passwd pw, *pres = NULL;
  struct group gr, *gres = NULL;
  size_t cap = NSS_BUF_MIN;
  int admin = 0;
  if (uid == 0)
    return 1;
  for (;;) {
    char *pbuf = malloc(cap), *gbuf = malloc(cap);
    int rc1 = ENOMEM, rc2 = ENOMEM;
    if (pbuf && gbuf) {
      rc1 = getpwuid_r(uid, &pw, pbuf, cap, &pres);
      rc2 = getgrnam_r(NTF_ADMIN_GROUP, &gr, gbuf, cap, &gres);
      if (rc1 == 0 && rc2 == 0 && pres && gres) {
        if (pres->pw_gid == gres->gr_gid)
          admin = 1;
        for (char **m = gres->gr_mem; m && *m && !admin; m++)
          if (strcmp(*m, pres->pw_name) == 0)
            admin = 1;
      }
    }
    free(pbuf);
    free(gbuf);
    if ((rc1 != ERANGE && rc2 != ERANGE) || cap >= NSS_BUF_MAX)
      return admin;
    cap *= 2;
  }
}

gid_t ntf_group_gid(const char *name) {
  struct group gr, *res = NULL;
  size_t cap = NSS_BUF_MIN;
  gid_t gid = NTF_NO_GID;
  for (;;) {
    char *buf = malloc(cap);
    int rc;
    if (!buf)
      return NTF_NO_GID;
    rc = getgrnam_r(name, &gr, buf, cap, &res);
    if (rc == 0 && res)
      gid = res->gr_gid;
    free(buf);
    if (rc != ERANGE || cap >= NSS_BUF_MAX)
      return gid;
    cap *= 2;
  }
}
