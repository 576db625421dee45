/* xpsnotify: a listener for a job's notifications.
 *
 *   xpsnotify [--json] [--answer CHOICE] [--quiet] SOCKET
 *
 * Connects to the job's listener socket, prints every event as it comes
 * (readable text, or one JSON object per line with --json), and answers
 * queries: with --answer (a choice index for our queries, a buttonID such
 * as IDOK for AsyncUI message boxes), else interactively when standard
 * input is a terminal, else not at all (the job then takes its default).
 * Exit status: 0 when the job ends, 1 usage, 2 refused by the socket
 * (another user's job), 3 connection or protocol error. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xpsraster/notify.h"

struct opts {
  int json, quiet;
  const char *answer; /* NULL: interactive or none */
  const char *path;
};

static void usage(FILE *fp) {
  fputs("usage: xpsnotify [--json] [--answer CHOICE] [--quiet] SOCKET\n"
        "  --json          one JSON object per line\n"
        "  --answer CHOICE answer every query: a choice index (0-based) for\n"
        "                  xpsraster queries, a buttonID (IDOK, IDCANCEL, or\n"
        "                  a number) for AsyncUI message boxes\n"
        "  --quiet         print nothing but errors\n",
        fp);
}

/* Prints s as a JSON string (RFC 8259 escaping; bytes >= 0x80 pass
 * through, the notifier only sends valid UTF-8). */
static void json_str(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static const char *kind_name(int k) {
  switch (k) {
  case XR_MSG_HELLO:
    return "hello";
  case XR_MSG_PROGRESS:
    return "progress";
  case XR_MSG_PAGE:
    return "page";
  case XR_MSG_INFO:
    return "info";
  case XR_MSG_WARNING:
    return "warning";
  case XR_MSG_ERROR:
    return "error";
  case XR_MSG_STATE:
    return "state";
  case XR_MSG_QUERY:
    return "query";
  case XR_MSG_ANSWER:
    return "answer";
  }
  return "?";
}

static void print_msg(const struct opts *o, const char *frame, uint64_t channel,
                      const xr_msg *m) {
  if (o->quiet)
    return;
  if (o->json) {
    printf("{\"type\":\"%s\",\"channel\":%llu,\"kind\":\"%s\"", frame,
           (unsigned long long)channel, kind_name(m->kind));
    if (m->job)
      printf(",\"job\":%ld", m->job);
    switch (m->kind) {
    case XR_MSG_HELLO:
      printf(",\"user\":");
      json_str(m->user, strlen(m->user));
      printf(",\"title\":");
      json_str(m->text, strlen(m->text));
      printf(",\"printer\":");
      json_str(m->printer, strlen(m->printer));
      break;
    case XR_MSG_PROGRESS:
      printf(",\"page\":%d,\"pages\":%d,\"percent\":%d", m->page, m->pages,
             m->percent);
      break;
    case XR_MSG_PAGE:
      printf(",\"page\":%d,\"copies\":%d", m->page, m->copies);
      break;
    case XR_MSG_QUERY:
      printf(",\"text\":");
      json_str(m->text, strlen(m->text));
      printf(",\"choices\":[");
      for (int i = 0; i < m->nchoices; i++) {
        if (i)
          putchar(',');
        json_str(m->choices[i], strlen(m->choices[i]));
      }
      printf("],\"default\":%d,\"timeout_ms\":%d", m->default_choice,
             m->timeout_ms);
      break;
    default:
      printf(",\"text\":");
      json_str(m->text, strlen(m->text));
      break;
    }
    printf("}\n");
  } else {
    switch (m->kind) {
    case XR_MSG_HELLO:
      printf("job %ld \"%s\" for %s on %s\n", m->job, m->text,
             m->user[0] ? m->user : "?", m->printer[0] ? m->printer : "?");
      break;
    case XR_MSG_PROGRESS:
      if (m->pages > 0)
        printf("progress: page %d of %d, %d%%\n", m->page, m->pages,
               m->percent);
      else
        printf("progress: page %d, %d%%\n", m->page, m->percent);
      break;
    case XR_MSG_PAGE:
      printf("page %d done (%d %s)\n", m->page, m->copies,
             m->copies == 1 ? "copy" : "copies");
      break;
    case XR_MSG_QUERY:
      printf("query [channel %llu]: %s\n", (unsigned long long)channel,
             m->text);
      for (int i = 0; i < m->nchoices; i++)
        printf("  %d) %s%s\n", i, m->choices[i],
               i == m->default_choice ? " (default)" : "");
      break;
    default:
      printf("%s: %s\n", kind_name(m->kind), m->text);
      break;
    }
  }
  fflush(stdout);
}

/* The answer to give: --answer, or a line typed at a terminal. Returns 0
 * and fills buf, or -1 for no answer. */
static int choose(const struct opts *o, char *buf, size_t cap) {
  if (o->answer) {
    snprintf(buf, cap, "%s", o->answer);
    return 0;
  }
  if (!isatty(STDIN_FILENO))
    return -1;
  fprintf(stderr, "answer> ");
  if (!fgets(buf, (int)cap, stdin))
    return -1;
  buf[strcspn(buf, "\r\n")] = '\0';
  return buf[0] ? 0 : -1;
}

static void reply(xr_notify_client *c, const struct opts *o,
                  const xr_notify_frame *f, const xr_msg *m) {
  char in[64], *payload = NULL;
  size_t len = 0;
  if (choose(o, in, sizeof in) < 0) {
    if (!o->quiet && !o->json)
      printf("  (not answering: the job takes its default)\n");
    return;
  }
  if (xr_uuid_equal(&f->ptype, &XR_NOTIFY_TYPE_XPSRASTER)) {
    xr_msg a;
    char *end;
    long v = strtol(in, &end, 10);
    if (*end || v < 0 || (m && v >= m->nchoices)) {
      fprintf(stderr, "xpsnotify: '%s' is not one of the choices\n", in);
      return;
    }
    memset(&a, 0, sizeof a);
    a.kind = XR_MSG_ANSWER;
    a.choice = (int)v;
    payload = malloc(64);
    if (!payload || xr_msg_encode(&a, payload, 64, &len) != XR_OK) {
      free(payload);
      return;
    }
  } else {
    /* AsyncUI: the buttonID names the button; the validator rejects
     * anything but IDOK, IDCANCEL or a number. */
    static const char fmt[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<asyncPrintUIResponse xmlns=\"http://schemas.microsoft.com/2003/"
        "print/asyncui/v1/response\"><v1><requestClose><messageBoxUI>"
        "<buttonID>%s</buttonID></messageBoxUI></requestClose></v1>"
        "</asyncPrintUIResponse>";
    payload = malloc(sizeof fmt + sizeof in);
    if (!payload)
      return;
    len = (size_t)snprintf(payload, sizeof fmt + sizeof in, fmt, in);
  }
  int rc = xr_notify_client_reply(c, f->channel, &f->ptype, payload, len);
  if (rc < 0)
    fprintf(stderr, "xpsnotify: cannot reply '%s': %s\n", in, xr_strerror(rc));
  free(payload);
}

static void print_asyncui(const struct opts *o, const xr_notify_frame *f) {
  char kind[32];
  xr_asyncui_validate(f->payload, f->len, 0, kind, sizeof kind, NULL, 0);
  if (o->quiet)
    return;
  if (o->json) {
    printf("{\"type\":\"notify\",\"channel\":%llu,\"schema\":\"asyncui\","
           "\"ui\":\"%s\",\"bidirectional\":%s,\"xml\":",
           (unsigned long long)f->channel, kind,
           (f->flags & XR_FRAME_BIDI) ? "true" : "false");
    json_str(f->payload, f->len);
    printf("}\n");
  } else {
    printf("asyncui %s [channel %llu]:\n%.*s\n", kind,
           (unsigned long long)f->channel, (int)f->len,
           (const char *)f->payload);
  }
  fflush(stdout);
}

static void print_status(const struct opts *o, const char *what,
                         const xr_notify_frame *f) {
  if (o->quiet)
    return;
  if (o->json)
    printf("{\"type\":\"%s\",\"channel\":%llu,\"status\":\"%s\"}\n", what,
           (unsigned long long)f->channel, xr_err_name(f->status));
  else
    printf("%s [channel %llu]: %s\n", what, (unsigned long long)f->channel,
           xr_strerror(f->status));
  fflush(stdout);
}

int main(int argc, char **argv) {
  struct opts o = {0};
  xr_notify_client *c;
  xr_notify_frame f;
  xr_msg *m;
  int rc;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--json"))
      o.json = 1;
    else if (!strcmp(argv[i], "--quiet"))
      o.quiet = 1;
    else if (!strcmp(argv[i], "--answer") && i + 1 < argc)
      o.answer = argv[++i];
    else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage(stdout);
      return 0;
    } else if (argv[i][0] == '-' || o.path) {
      usage(stderr);
      return 1;
    } else
      o.path = argv[i];
  }
  if (!o.path) {
    usage(stderr);
    return 1;
  }
  m = malloc(sizeof *m);
  if (!m)
    return 3;
  rc = xr_notify_client_connect(o.path, 10000, &c, &f);
  if (rc < 0) {
    fprintf(stderr, "xpsnotify: %s: %s\n", o.path, xr_strerror(rc));
    free(m);
    return rc == XR_E_DENIED ? 2 : 3;
  }
  if (xr_msg_decode(f.payload, f.len, m) == XR_OK)
    print_msg(&o, "hello", 0, m);
  for (;;) {
    rc = xr_notify_client_next(c, -1, &f);
    if (rc != 1)
      break;
    switch (f.type) {
    case XR_FRAME_EVENT:
      if (xr_msg_decode(f.payload, f.len, m) == XR_OK)
        print_msg(&o, "event", 0, m);
      break;
    case XR_FRAME_NOTIFY:
      if (xr_uuid_equal(&f.ptype, &XR_NOTIFY_TYPE_XPSRASTER)) {
        if (xr_msg_decode(f.payload, f.len, m) != XR_OK)
          break;
        print_msg(&o, "notify", f.channel, m);
        if ((f.flags & XR_FRAME_BIDI) && m->kind == XR_MSG_QUERY)
          reply(c, &o, &f, m);
      } else {
        print_asyncui(&o, &f);
        if (f.flags & XR_FRAME_BIDI)
          reply(c, &o, &f, NULL);
      }
      break;
    case XR_FRAME_STATUS:
      print_status(&o, "reply", &f);
      break;
    case XR_FRAME_CLOSED:
      print_status(&o, "closed", &f);
      break;
    default:
      break;
    }
  }
  xr_notify_client_close(c);
  free(m);
  if (rc == XR_E_CLOSED)
    return 0; /* the job ended */
  fprintf(stderr, "xpsnotify: %s\n", xr_strerror(rc));
  return 3;
}
