/* Payload schemas: UUIDs, our key=value messages (with their field limits
 * at N and N+1), and AsyncUI requests and responses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpsraster/notify.h"

static void test_uuid(void **state) {
  xr_uuid u;
  char buf[39];
  (void)state;
  assert_int_equal(xr_uuid_parse("{f6853f92-eb31-4e23-b6e7-fd69056153f0}", &u),
                   XR_OK);
  assert_true(xr_uuid_equal(&u, &XR_NOTIFY_TYPE_ASYNCUI));
  assert_string_equal(xr_uuid_format(&u, buf),
                      "{f6853f92-eb31-4e23-b6e7-fd69056153f0}");
  assert_int_equal(xr_uuid_parse("F6853F92-EB31-4E23-B6E7-FD69056153F0", &u),
                   XR_OK);
  assert_true(xr_uuid_equal(&u, &XR_NOTIFY_TYPE_ASYNCUI));
  assert_false(xr_uuid_equal(&u, &XR_NOTIFY_TYPE_XPSRASTER));
  static const char *bad[] = {"",
                              "{f6853f92-eb31-4e23-b6e7-fd69056153f0",
                              "f6853f92eb314e23b6e7fd69056153f0",
                              "{f6853f92-eb31-4e23-b6e7-fd69056153f0}x",
                              "{g6853f92-eb31-4e23-b6e7-fd69056153f0}",
                              "{f6853f92-eb31-4e23-b6e7-fd69056153f}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(xr_uuid_parse(bad[i], &u), XR_E_SYNTAX);
  assert_int_equal(xr_uuid_parse(NULL, &u), XR_E_INVAL);
}

static int decode(const char *s, xr_msg *m) {
  return xr_msg_decode(s, strlen(s), m);
}

static void test_msg_roundtrip(void **state) {
  xr_msg m, d;
  char buf[8192];
  size_t len;
  (void)state;
  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_QUERY;
  m.job = 42;
  snprintf(m.text, sizeof m.text, "Page 3 is larger than A4\nscale?");
  m.nchoices = 2;
  snprintf(m.choices[0], sizeof m.choices[0], "Scale to fit");
  snprintf(m.choices[1], sizeof m.choices[1], "Clip");
  m.default_choice = 1;
  m.timeout_ms = 30000;
  assert_int_equal(xr_msg_encode(&m, buf, sizeof buf, &len), XR_OK);
  assert_int_equal(xr_msg_decode(buf, len, &d), XR_OK);
  assert_int_equal(d.kind, XR_MSG_QUERY);
  assert_int_equal(d.job, 42);
  /* The newline could have forged a key: it became a space. */
  assert_string_equal(d.text, "Page 3 is larger than A4 scale?");
  assert_int_equal(d.nchoices, 2);
  assert_string_equal(d.choices[1], "Clip");
  assert_int_equal(d.default_choice, 1);
  assert_int_equal(d.timeout_ms, 30000);

  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_PROGRESS;
  m.page = 2;
  m.pages = -1;
  m.percent = 40;
  assert_int_equal(xr_msg_encode(&m, buf, sizeof buf, &len), XR_OK);
  assert_int_equal(xr_msg_decode(buf, len, &d), XR_OK);
  assert_int_equal(d.page, 2);
  assert_int_equal(d.pages, -1);
  assert_int_equal(d.percent, 40);

  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_HELLO;
  m.job = 9;
  snprintf(m.user, sizeof m.user, "alice");
  snprintf(m.text, sizeof m.text, "report.xps");
  assert_int_equal(xr_msg_encode(&m, buf, sizeof buf, &len), XR_OK);
  assert_int_equal(xr_msg_decode(buf, len, &d), XR_OK);
  assert_string_equal(d.user, "alice");
  assert_string_equal(d.text, "report.xps");
  /* Too small a buffer is refused, not overrun. */
  assert_int_equal(xr_msg_encode(&m, buf, 10, &len), XR_E_TOO_BIG);
  m.kind = 99;
  assert_int_equal(xr_msg_encode(&m, buf, sizeof buf, &len), XR_E_INVAL);
}

static void test_msg_rejects(void **state) {
  xr_msg m;
  (void)state;
  assert_int_equal(decode("v=1\nkind=info\ntext=ok\n", &m), XR_OK);
  assert_int_equal(decode("v=1\nkind=info\ntext=ok", &m), XR_OK);
  assert_int_equal(decode("v=2\nkind=info\ntext=ok\n", &m), XR_E_WRONG_TYPE);
  assert_int_equal(decode("kind=info\nv=1\n", &m), XR_E_WRONG_TYPE);
  assert_int_equal(decode("v=1\nkind=exec\n", &m), XR_E_WRONG_TYPE);
  assert_int_equal(decode("", &m), XR_E_WRONG_TYPE);
  assert_int_equal(decode("<xml/>", &m), XR_E_WRONG_TYPE);
  assert_int_equal(decode("v=1\nkind=info\n", &m), XR_E_SYNTAX); /* no text */
  assert_int_equal(decode("v=1\nkind=info\ntext=a\ntext=b\n", &m), XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=info\ntext=a\ncmd=rm\n", &m), XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=info\npage=1\ntext=a\n", &m), XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=info\ntext=a\rb\n", &m), XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=info\ntext=\xc0\x80\n", &m),
                   XR_E_SYNTAX); /* overlong NUL */
  assert_int_equal(decode("v=1\nkind=info\ntext=\xed\xa0\x80\n", &m),
                   XR_E_SYNTAX); /* surrogate */
  assert_int_equal(decode("v=1\nkind=info\ntext=\xe2\x82\n", &m),
                   XR_E_SYNTAX); /* truncated */
  assert_int_equal(decode("v=1\nkind=info\ntext=caf\xc3\xa9\n", &m), XR_OK);
  assert_int_equal(decode("v=1\nkind=progress\npage=1\npercent=101\n", &m),
                   XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=progress\npage=-1\npercent=1\n", &m),
                   XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=progress\npage=1x\npercent=1\n", &m),
                   XR_E_SYNTAX);
  assert_int_equal(
      decode("v=1\nkind=query\ntext=q\nchoice=a\ndefault=1\ntimeout=5\n", &m),
      XR_E_SYNTAX); /* default beyond the choices */
  assert_int_equal(decode("v=1\nkind=answer\nchoice=16\n", &m), XR_E_SYNTAX);
  assert_int_equal(decode("v=1\nkind=answer\nchoice=15\n", &m), XR_OK);
  assert_int_equal(xr_msg_decode(NULL, 3, &m), XR_E_INVAL);
}

/* Field and count limits at N (accepted) and N + 1 (refused). */
static void test_msg_limits(void **state) {
  xr_msg m;
  char *buf = malloc(XR_NOTIFY_PAYLOAD_MAX + 64);
  size_t n;
  (void)state;
  assert_non_null(buf);
  for (int extra = 0; extra <= 1; extra++) {
    n = (size_t)sprintf(buf, "v=1\nkind=info\ntext=");
    memset(buf + n, 'a', XR_MSG_FIELD_MAX - 1 + extra);
    n += XR_MSG_FIELD_MAX - 1 + extra;
    assert_int_equal(xr_msg_decode(buf, n, &m), extra ? XR_E_TOO_BIG : XR_OK);
  }
  for (int extra = 0; extra <= 1; extra++) {
    n = (size_t)sprintf(buf, "v=1\nkind=query\ntext=q\ndefault=0\ntimeout=1\n");
    for (int i = 0; i < XR_MSG_CHOICES_MAX + extra; i++)
      n += (size_t)sprintf(buf + n, "choice=c%d\n", i);
    assert_int_equal(xr_msg_decode(buf, n, &m), extra ? XR_E_TOO_BIG : XR_OK);
  }
  /* The whole payload: N + 1 bytes is refused before parsing. */
  memset(buf, 'a', XR_NOTIFY_PAYLOAD_MAX + 1);
  assert_int_equal(xr_msg_decode(buf, XR_NOTIFY_PAYLOAD_MAX + 1, &m),
                   XR_E_TOO_BIG);
  free(buf);
}

#define REQ_OPEN                                                               \
  "<asyncPrintUIRequest "                                                      \
  "xmlns=\"http://schemas.microsoft.com/2003/print/asyncui/v1/request\">"      \
  "<v1><requestOpen>"
#define REQ_CLOSE "</requestOpen></v1></asyncPrintUIRequest>"

static int req(const char *s) {
  return xr_asyncui_validate(s, strlen(s), 0, NULL, 0, NULL, 0);
}

static void test_asyncui_requests(void **state) {
  char kind[32];
  const char *balloon =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" REQ_OPEN
      "<balloonUI iconID=\"1\" resourceDll=\"drv.dll\">"
      "<title stringID=\"1234\" resourceDll=\"drv.dll\"/>"
      "<body stringID=\"100\"><parameter stringID=\"5\"/>"
      "<parameter>Tray 2</parameter></body></balloonUI>" REQ_CLOSE;
  const char *box =
      REQ_OPEN "<messageBoxUI><title>Paper size</title><body>Page 3 is "
               "larger than the paper</body><buttons>"
               "<button stringID=\"1\" buttonID=\"IDOK\"/>"
               "<button buttonID=\"IDCANCEL\"/>"
               "<button stringID=\"7\" buttonID=\" 7 \"/>"
               "</buttons></messageBoxUI>" REQ_CLOSE;
  (void)state;
  assert_int_equal(xr_asyncui_validate(balloon, strlen(balloon), 0, kind,
                                       sizeof kind, NULL, 0),
                   XR_OK);
  assert_string_equal(kind, "balloonUI");
  assert_int_equal(
      xr_asyncui_validate(box, strlen(box), 0, kind, sizeof kind, NULL, 0),
      XR_OK);
  assert_string_equal(kind, "messageBoxUI");
  /* The https namespace of newer documentation is the same schema. */
  assert_int_equal(
      req("<asyncPrintUIRequest xmlns=\"https://schemas.microsoft.com/2003/"
          "print/asyncui/v1/request\"><v1><requestOpen><balloonUI><title>t"
          "</title><body>b</body></balloonUI>" REQ_CLOSE),
      XR_OK);
  /* Code to run: refused. */
  assert_int_equal(
      req(REQ_OPEN "<customUI dll=\"a.dll\" entrypoint=\"f\"/>" REQ_CLOSE),
      XR_E_UNSUPPORTED);
  assert_int_equal(req(REQ_OPEN "<customData>x</customData>" REQ_CLOSE),
                   XR_E_UNSUPPORTED);
  assert_int_equal(req(REQ_OPEN "<balloonUI><title>t</title><body>b</body>"
                                "<action dll=\"IHV.dll\" entrypoint=\"Run\"/>"
                                "</balloonUI>" REQ_CLOSE),
                   XR_E_UNSUPPORTED);
  /* Shape errors. */
  assert_int_equal(req(REQ_OPEN "<messageBoxUI><title>t</title><body>b"
                                "</body></messageBoxUI>" REQ_CLOSE),
                   XR_E_WRONG_TYPE); /* no buttons */
  assert_int_equal(req(REQ_OPEN "<messageBoxUI><title>t</title><body>b</body>"
                                "<buttons><button buttonID=\"IDMAYBE\"/>"
                                "</buttons></messageBoxUI>" REQ_CLOSE),
                   XR_E_WRONG_TYPE);
  assert_int_equal(req(REQ_OPEN "<balloonUI dll=\"x\"><title>t</title>"
                                "<body>b</body></balloonUI>" REQ_CLOSE),
                   XR_E_WRONG_TYPE); /* unknown attribute */
  assert_int_equal(
      req(REQ_OPEN "<balloonUI><body>b</body></balloonUI>" REQ_CLOSE),
      XR_E_WRONG_TYPE); /* no title */
  assert_int_equal(req(REQ_OPEN "<balloonUI><title stringID=\"x1\"/><body>b"
                                "</body></balloonUI>" REQ_CLOSE),
                   XR_E_WRONG_TYPE);
  assert_int_equal(
      req("<asyncPrintUIRequest xmlns=\"urn:other\"><v1><requestOpen>"
          "<balloonUI><title>t</title><body>b</body></balloonUI>" REQ_CLOSE),
      XR_E_WRONG_TYPE);
  assert_int_equal(req(REQ_OPEN "<balloonUI><title>t</title><body>b</body>"
                                "</balloonUI>stray text" REQ_CLOSE),
                   XR_E_WRONG_TYPE);
  /* Malformed or dangerous XML. */
  assert_int_equal(req(REQ_OPEN "<balloonUI>" REQ_CLOSE), XR_E_SYNTAX);
  assert_int_equal(
      req("<!DOCTYPE a [<!ENTITY x \"y\">]>" REQ_OPEN
          "<balloonUI><title>&x;</title><body>b</body></balloonUI>" REQ_CLOSE),
      XR_E_SYNTAX);
  assert_int_equal(req(""), XR_E_SYNTAX);
  assert_int_equal(xr_asyncui_validate("a\0b", 3, 0, NULL, 0, NULL, 0),
                   XR_E_SYNTAX);
}

/* UTF-16 with or without a BOM, either byte order. */
static size_t to_utf16(const char *s, unsigned char *out, int be, int bom) {
  size_t n = 0;
  if (bom) {
    out[n++] = be ? 0xFE : 0xFF;
    out[n++] = be ? 0xFF : 0xFE;
  }
  for (; *s; s++) {
    out[n++] = be ? 0 : (unsigned char)*s;
    out[n++] = be ? (unsigned char)*s : 0;
  }
  return n;
}

static void test_asyncui_utf16(void **state) {
  const char *doc =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" REQ_OPEN
      "<balloonUI><title>t</title><body>b</body></balloonUI>" REQ_CLOSE;
  unsigned char buf[2048];
  char kind[32];
  (void)state;
  for (int be = 0; be <= 1; be++)
    for (int bom = 0; bom <= 1; bom++) {
      size_t n = to_utf16(doc, buf, be, bom);
      assert_int_equal(
          xr_asyncui_validate(buf, n, 0, kind, sizeof kind, NULL, 0), XR_OK);
      assert_string_equal(kind, "balloonUI");
      /* An odd length or a lone surrogate is not UTF-16. */
      assert_int_equal(xr_asyncui_validate(buf, n - 1, 0, NULL, 0, NULL, 0),
                       XR_E_SYNTAX);
    }
  size_t n = to_utf16(doc, buf, 0, 1);
  buf[n++] = 0x00;
  buf[n++] = 0xD8; /* high surrogate with nothing after it */
  assert_int_equal(xr_asyncui_validate(buf, n, 0, NULL, 0, NULL, 0),
                   XR_E_SYNTAX);
}

#define RESP(x)                                                                \
  "<asyncPrintUIResponse "                                                     \
  "xmlns=\"http://schemas.microsoft.com/2003/print/asyncui/v1/response\">"     \
  "<v1><requestClose>" x "</requestClose></v1></asyncPrintUIResponse>"

static void test_asyncui_responses(void **state) {
  char kind[32], button[32];
  const char *ok = RESP("<messageBoxUI><buttonID>IDOK</buttonID>"
                        "</messageBoxUI>");
  const char *num = RESP("<messageBoxUI><buttonID> 12 </buttonID>"
                         "</messageBoxUI>");
  (void)state;
  assert_int_equal(xr_asyncui_validate(ok, strlen(ok), 1, kind, sizeof kind,
                                       button, sizeof button),
                   XR_OK);
  assert_string_equal(kind, "messageBoxUI");
  assert_string_equal(button, "IDOK");
  assert_int_equal(
      xr_asyncui_validate(num, strlen(num), 1, NULL, 0, button, sizeof button),
      XR_OK);
  assert_string_equal(button, " 12 ");
  const char *bad[] = {
      RESP("<messageBoxUI/>"),
      RESP("<messageBoxUI><buttonID>IDRUN</buttonID></messageBoxUI>"),
      RESP("<messageBoxUI><buttonID><b/></buttonID></messageBoxUI>"),
      RESP("<dialog/>")};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(
        xr_asyncui_validate(bad[i], strlen(bad[i]), 1, NULL, 0, NULL, 0),
        XR_E_WRONG_TYPE);
  assert_int_equal(xr_asyncui_validate(RESP("<customUI/>"),
                                       strlen(RESP("<customUI/>")), 1, NULL, 0,
                                       NULL, 0),
                   XR_E_UNSUPPORTED);
  /* A request is not a response, and the other way round. */
  assert_int_equal(xr_asyncui_validate(ok, strlen(ok), 0, NULL, 0, NULL, 0),
                   XR_E_WRONG_TYPE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uuid),
      cmocka_unit_test(test_msg_roundtrip),
      cmocka_unit_test(test_msg_rejects),
      cmocka_unit_test(test_msg_limits),
      cmocka_unit_test(test_asyncui_requests),
      cmocka_unit_test(test_asyncui_utf16),
      cmocka_unit_test(test_asyncui_responses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
