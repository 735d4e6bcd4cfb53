// An example posture check plugin in C (wit-bindgen c + clang).
//
// It implements `sharing.link-shares` with the same logic, messages and evidence as the Rust
// plugin in plugins/sharing, so the end-to-end test can require identical findings on the same
// snapshot. `posture plugin build` generates `check_plugin.h` from the contract; see README.md.
//
// Ownership, as wit-bindgen's C bindings define it: everything returned to the host is
// malloc'd and freed by the bindings after the call; the evaluation context and every list the
// host returns are ours to free.

#include "check_plugin.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_ID "sharing.link-shares"
#define PAGE 1000

typedef check_plugin_string_t str_t;
typedef posture_plugin_types_finding_t finding_t;
typedef posture_plugin_types_share_t share_t;

// ---------------------------------------------------------------------------------------------
// Small helpers: allocation that traps when memory runs out (the host then reports the plugin's
// memory limit), owned strings and growable lists.

static void *xrealloc(void *ptr, size_t size) {
  ptr = realloc(ptr, size);
  if (ptr == NULL) __builtin_trap();
  return ptr;
}

static void *xmalloc(size_t size) { return xrealloc(NULL, size); }

static void *xcalloc(size_t size) { return memset(xmalloc(size), 0, size); }

static str_t str(const char *s) {
  str_t out;
  check_plugin_string_dup(&out, s);
  return out;
}

static str_t str_copy(const str_t *s) {
  str_t out;
  check_plugin_string_dup_n(&out, (const char *)s->ptr, s->len);
  return out;
}

static check_plugin_option_string_t some_str(const str_t *s) {
  check_plugin_option_string_t out = {.is_some = true, .val = str_copy(s)};
  return out;
}

// A string being built: append pieces, then take it as an owned WIT string. (No printf: stdio
// would pull WASI imports into a plugin that needs none.)
typedef struct {
  char *ptr;
  size_t len;
} builder_t;

static void add_n(builder_t *b, const void *s, size_t n) {
  b->ptr = xrealloc(b->ptr, b->len + n + 1);
  memcpy(b->ptr + b->len, s, n);
  b->len += n;
  b->ptr[b->len] = '\0';
}

static void add(builder_t *b, const char *s) { add_n(b, s, strlen(s)); }

static void add_str(builder_t *b, const str_t *s) { add_n(b, s->ptr, s->len); }

static void add_uint(builder_t *b, size_t v) {
  char digits[24];
  size_t n = 0;
  do {
    digits[sizeof digits - ++n] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  add_n(b, digits + sizeof digits - n, n);
}

static str_t take(builder_t *b) {
  if (b->ptr == NULL) add_n(b, "", 0);
  str_t out = {.ptr = (uint8_t *)b->ptr, .len = b->len};
  return out;
}

// Appends `item` (of `size` bytes) to the array `*ptr` of `*len` items.
static void push(void **ptr, size_t *len, const void *item, size_t size) {
  *ptr = xrealloc(*ptr, (*len + 1) * size);
  memcpy((char *)*ptr + *len * size, item, size);
  *len += 1;
}

// ---------------------------------------------------------------------------------------------
// The check.

static const char *audience_name(posture_plugin_types_share_audience_t a) {
  switch (a) {
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_PUBLIC: return "public";
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_ANYONE_WITH_LINK: return "anyone-with-link";
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_EXTERNAL_DOMAIN: return "external-domain";
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_EXTERNAL_USER: return "external-user";
  default: return "internal";
  }
}

// `a` and `b` equal ignoring ASCII case.
static bool same_domain(const str_t *a, const str_t *b) {
  if (a->len != b->len) return false;
  for (size_t i = 0; i < a->len; i++)
    if (tolower(a->ptr[i]) != tolower(b->ptr[i])) return false;
  return true;
}

static bool allowed(const str_t *domain, const check_plugin_list_string_t *allow) {
  for (size_t i = 0; i < allow->len; i++)
    if (same_domain(domain, &allow->ptr[i])) return true;
  return false;
}

// `items` joined with `sep`, as a new owned string.
static str_t join(const str_t *items, size_t n, const char *sep, const check_plugin_list_string_t *skip) {
  size_t cap = 1, len = 0;
  for (size_t i = 0; i < n; i++) cap += items[i].len + strlen(sep);
  char *buf = xmalloc(cap);
  for (size_t i = 0; i < n; i++) {
    if (skip && allowed(&items[i], skip)) continue;
    if (len > 0) {
      memcpy(buf + len, sep, strlen(sep));
      len += strlen(sep);
    }
    memcpy(buf + len, items[i].ptr, items[i].len);
    len += items[i].len;
  }
  buf[len] = '\0';
  str_t out = {.ptr = (uint8_t *)buf, .len = len};
  return out;
}

static posture_plugin_types_evidence_t evidence(const char *key, str_t value, size_t index, const char *field) {
  posture_plugin_types_evidence_t e = {
      .key = str(key), .value = value, .path = {0}};
  builder_t path = {0};
  add(&path, "/shares/");
  add_uint(&path, index);
  add(&path, "/");
  add(&path, field);
  e.path = take(&path);
  return e;
}

static finding_t finding(posture_plugin_types_status_t status, const share_t *s, str_t message, size_t index) {
  finding_t f = {0};
  f.check_id = str(CHECK_ID);
  f.status = status;
  f.resource.kind = str("share");
  f.resource.id = str_copy(&s->id);
  f.resource.display_name = some_str(&s->item_name);
  f.resource.account = some_str(&s->account);
  f.message = message;
  posture_plugin_types_evidence_t ev[2] = {
      evidence("audience", str(audience_name(s->audience)), index, "audience"),
      evidence("domains", join(s->domains.ptr, s->domains.len, ",", NULL), index, "domains"),
  };
  f.evidence.ptr = xmalloc(sizeof ev);
  memcpy(f.evidence.ptr, ev, sizeof ev);
  f.evidence.len = 2;
  return f;
}

// "<item kind> <item name> <text>", the start of every message.
static builder_t about(const share_t *s, const char *text) {
  builder_t b = {0};
  add_str(&b, &s->item_kind);
  add(&b, " ");
  add_str(&b, &s->item_name);
  add(&b, " ");
  add(&b, text);
  return b;
}

static finding_t evaluate_share(const share_t *s, size_t index, const check_plugin_list_string_t *allow) {
  posture_plugin_types_status_t status;
  builder_t message;
  switch (s->audience) {
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_PUBLIC:
    status = POSTURE_PLUGIN_TYPES_STATUS_FAIL;
    message = about(s, "is public on the internet");
    break;
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_ANYONE_WITH_LINK:
    status = POSTURE_PLUGIN_TYPES_STATUS_FAIL;
    message = about(s, "is shared with anyone who has the link");
    break;
  case POSTURE_PLUGIN_TYPES_SHARE_AUDIENCE_INTERNAL:
    status = POSTURE_PLUGIN_TYPES_STATUS_PASS;
    message = about(s, "is shared internally only");
    break;
  default:
    if (s->domains.len == 0) {
      status = POSTURE_PLUGIN_TYPES_STATUS_NOT_EVALUABLE;
      message = about(s, "is shared externally, but the domains reached are unknown");
      break;
    }
    str_t outside = join(s->domains.ptr, s->domains.len, ", ", allow);
    if (outside.len == 0) {
      status = POSTURE_PLUGIN_TYPES_STATUS_PASS;
      message = about(s, "is shared only with allowed domains");
    } else {
      status = POSTURE_PLUGIN_TYPES_STATUS_FAIL;
      message = about(s, "is shared with domains outside the allow-list: ");
      add_str(&message, &outside);
    }
    check_plugin_string_free(&outside);
  }
  return finding(status, s, take(&message), index);
}

// The `allowed-domains` parameter, or NULL for the default (empty).
static const check_plugin_list_string_t *allowed_domains(const posture_plugin_types_check_request_t *r) {
  for (size_t i = 0; i < r->params.len; i++) {
    const posture_plugin_types_param_t *p = &r->params.ptr[i];
    if (p->name.len == strlen("allowed-domains") && memcmp(p->name.ptr, "allowed-domains", p->name.len) == 0 &&
        p->value.tag == POSTURE_PLUGIN_TYPES_PARAM_VALUE_TEXT_LIST)
      return &p->value.val.text_list;
  }
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// The exports.

void exports_posture_plugin_plugin_describe(exports_posture_plugin_plugin_plugin_info_t *ret) {
  posture_plugin_types_check_metadata_t *m = xcalloc(sizeof *m);
  m->id = str(CHECK_ID);
  m->title = str("Items are not shared publicly or outside allowed domains");
  m->description = str("For each share: fails when the audience is public or anyone-with-the-link, or when an "
                       "external share reaches a domain that is not in `allowed-domains`. Written in C.");
  m->default_severity = POSTURE_PLUGIN_TYPES_SEVERITY_MEDIUM;
  m->domain = str("sharing");
  m->rationale = str("Links that need no sign-in move confidential data outside the organisation's control.");
  m->remediation = str("Remove the link or the external grantee, or share with named, signed-in people instead.");
  posture_plugin_types_control_t controls[2] = {
      {.framework = str("soc2"), .id = str("C1.1")},
      {.framework = str("iso27001"), .id = str("A.5.14")},
  };
  m->controls.ptr = xmalloc(sizeof controls);
  memcpy(m->controls.ptr, controls, sizeof controls);
  m->controls.len = 2;
  m->params.ptr = xcalloc(sizeof *m->params.ptr);
  m->params.len = 1;
  m->params.ptr[0].name = str("allowed-domains");
  m->params.ptr[0].description = str("external domains items may be shared with");
  m->params.ptr[0].default_.tag = POSTURE_PLUGIN_TYPES_PARAM_VALUE_TEXT_LIST;
  m->reads.ptr = xmalloc(sizeof *m->reads.ptr);
  m->reads.ptr[0] = POSTURE_PLUGIN_TYPES_ENTITY_KIND_SHARES;
  m->reads.len = 1;

  ret->name = str("example-c-sharing");
  ret->version = str("0.1.0");
  ret->vendor = str("posture examples");
  ret->contract_version = str("0.2.0");
  ret->checks.ptr = m;
  ret->checks.len = 1;
}

bool exports_posture_plugin_plugin_evaluate(exports_posture_plugin_plugin_evaluation_context_t *context,
                                            exports_posture_plugin_plugin_list_finding_t *ret,
                                            exports_posture_plugin_plugin_plugin_error_t *err) {
  ret->ptr = NULL;
  ret->len = 0;
  for (size_t c = 0; c < context->checks.len; c++) {
    const posture_plugin_types_check_request_t *request = &context->checks.ptr[c];
    if (request->check_id.len != strlen(CHECK_ID) || memcmp(request->check_id.ptr, CHECK_ID, request->check_id.len)) {
      builder_t message = {0};
      add(&message, "no check `");
      add_str(&message, &request->check_id);
      add(&message, "`");
      err->message = take(&message);
      exports_posture_plugin_plugin_list_finding_free(ret);
      posture_plugin_types_evaluation_context_free(context);
      return false;
    }
    const check_plugin_list_string_t *allow = allowed_domains(request);
    check_plugin_list_string_t none = {0};
    uint32_t count;
    if (!posture_plugin_snapshot_count(POSTURE_PLUGIN_TYPES_ENTITY_KIND_SHARES, &count)) {
      finding_t f = {0};
      f.check_id = str(CHECK_ID);
      f.status = POSTURE_PLUGIN_TYPES_STATUS_NOT_EVALUABLE;
      f.resource.kind = str("snapshot");
      f.resource.id = str("shares");
      f.message = str("the snapshot does not include shares (not collected), so this check cannot be evaluated");
      push((void **)&ret->ptr, &ret->len, &f, sizeof f);
      continue;
    }
    for (uint32_t offset = 0;;) {
      posture_plugin_snapshot_list_share_t page;
      posture_plugin_snapshot_list_shares(offset, PAGE, &page);
      for (size_t i = 0; i < page.len; i++) {
        finding_t f = evaluate_share(&page.ptr[i], offset + i, allow ? allow : &none);
        push((void **)&ret->ptr, &ret->len, &f, sizeof f);
      }
      size_t got = page.len;
      posture_plugin_snapshot_list_share_free(&page);
      if (got < PAGE) break;
      offset += (uint32_t)got;
    }
  }
  posture_plugin_types_evaluation_context_free(context);
  return true;
}
