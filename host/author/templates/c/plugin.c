// {{name}}: a posture check plugin in C.
//
// Build: `posture plugin build .` (it generates check_plugin.h from the contract);
// test: `posture test target/plugins/{{name}}.wasm --cases cases`.
//
// Ownership: everything returned to the host must be malloc'd (the bindings free it after the
// call); the evaluation context and the lists the host returns are yours to free.

#include "check_plugin.h"

#include <stdlib.h>
#include <string.h>

#define CHECK_ID "{{domain}}.admin-mfa"
#define PAGE 1000

typedef check_plugin_string_t str_t;
typedef posture_plugin_types_finding_t finding_t;

static void *grow(void *ptr, size_t size) {
  ptr = realloc(ptr, size);
  if (ptr == NULL) __builtin_trap(); // out of memory: the host reports the plugin's limit
  return ptr;
}

static str_t str(const char *s) {
  str_t out;
  check_plugin_string_dup(&out, s);
  return out;
}

static str_t copy(const str_t *s) {
  str_t out;
  check_plugin_string_dup_n(&out, (const char *)s->ptr, s->len);
  return out;
}

// `a` followed by `b`, as a new string.
static str_t concat(const str_t *a, const char *b) {
  size_t n = strlen(b);
  str_t out = {.ptr = grow(NULL, a->len + n), .len = a->len + n};
  memcpy(out.ptr, a->ptr, a->len);
  memcpy(out.ptr + a->len, b, n);
  return out;
}

// "/principals/<i>/mfa_enabled", the evidence's JSON pointer into the snapshot.
static str_t path(size_t i) {
  const char *head = "/principals/", *tail = "/mfa_enabled";
  char digits[24];
  size_t n = 0;
  do {
    digits[sizeof digits - ++n] = (char)('0' + i % 10);
    i /= 10;
  } while (i > 0);
  size_t len = strlen(head) + n + strlen(tail);
  str_t out = {.ptr = grow(NULL, len), .len = len};
  memcpy(out.ptr, head, strlen(head));
  memcpy(out.ptr + strlen(head), digits + sizeof digits - n, n);
  memcpy(out.ptr + strlen(head) + n, tail, strlen(tail));
  return out;
}

static void push(exports_posture_plugin_plugin_list_finding_t *list, finding_t f) {
  list->ptr = grow(list->ptr, (list->len + 1) * sizeof f);
  list->ptr[list->len++] = f;
}

void exports_posture_plugin_plugin_describe(exports_posture_plugin_plugin_plugin_info_t *ret) {
  posture_plugin_types_check_metadata_t *m = grow(NULL, sizeof *m);
  memset(m, 0, sizeof *m);
  m->id = str(CHECK_ID);
  m->title = str("Administrators use MFA");
  m->description = str("Fails for each interactive administrator without a second factor.");
  m->default_severity = POSTURE_PLUGIN_TYPES_SEVERITY_HIGH;
  m->domain = str("{{domain}}");
  m->rationale = str("A stolen password is enough to take over an administrator without MFA.");
  m->remediation = str("Enrol the administrator in MFA, or remove the administrative role.");
  m->controls.ptr = grow(NULL, 2 * sizeof *m->controls.ptr);
  m->controls.ptr[0] = (posture_plugin_types_control_t){.framework = str("soc2"), .id = str("CC6.1")};
  m->controls.ptr[1] = (posture_plugin_types_control_t){.framework = str("iso27001"), .id = str("A.8.5")};
  m->controls.len = 2;
  m->reads.ptr = grow(NULL, sizeof *m->reads.ptr);
  m->reads.ptr[0] = POSTURE_PLUGIN_TYPES_ENTITY_KIND_PRINCIPALS;
  m->reads.len = 1;
  ret->name = str("{{name}}");
  ret->version = str("0.1.0");
  ret->vendor = str("{{vendor}}");
  ret->contract_version = str("{{contract}}");
  ret->checks.ptr = m;
  ret->checks.len = 1;
}

bool exports_posture_plugin_plugin_evaluate(exports_posture_plugin_plugin_evaluation_context_t *context,
                                            exports_posture_plugin_plugin_list_finding_t *ret,
                                            exports_posture_plugin_plugin_plugin_error_t *err) {
  *ret = (exports_posture_plugin_plugin_list_finding_t){0};
  for (size_t c = 0; c < context->checks.len; c++) {
    const str_t *id = &context->checks.ptr[c].check_id;
    if (id->len != strlen(CHECK_ID) || memcmp(id->ptr, CHECK_ID, id->len) != 0) {
      err->message = str("asked for a check this plugin does not have");
      exports_posture_plugin_plugin_list_finding_free(ret);
      posture_plugin_types_evaluation_context_free(context);
      return false;
    }
    uint32_t count;
    if (!posture_plugin_snapshot_count(POSTURE_PLUGIN_TYPES_ENTITY_KIND_PRINCIPALS, &count)) {
      finding_t f = {.check_id = str(CHECK_ID), .status = POSTURE_PLUGIN_TYPES_STATUS_NOT_EVALUABLE};
      f.resource.kind = str("snapshot");
      f.resource.id = str("principals");
      f.message = str("the snapshot does not include principals");
      push(ret, f);
      continue;
    }
    for (uint32_t offset = 0;;) {
      posture_plugin_snapshot_list_principal_t page;
      posture_plugin_snapshot_list_principals(offset, PAGE, &page);
      for (size_t i = 0; i < page.len; i++) {
        const posture_plugin_types_principal_t *p = &page.ptr[i];
        bool admin = p->admin.is_some && p->admin.val;
        bool interactive = !p->interactive.is_some || p->interactive.val;
        if (!admin || !interactive) continue;
        finding_t f = {.check_id = str(CHECK_ID)};
        f.resource.kind = str("principal");
        f.resource.id = copy(&p->id);
        f.resource.display_name = (check_plugin_option_string_t){.is_some = true, .val = copy(&p->name)};
        f.resource.account = (check_plugin_option_string_t){.is_some = true, .val = copy(&p->account)};
        const char *value;
        if (!p->mfa_enabled.is_some) {
          f.status = POSTURE_PLUGIN_TYPES_STATUS_NOT_EVALUABLE;
          f.message = str("MFA state unknown");
          value = "unknown";
        } else if (p->mfa_enabled.val) {
          f.status = POSTURE_PLUGIN_TYPES_STATUS_PASS;
          f.message = concat(&p->name, " uses MFA");
          value = "true";
        } else {
          f.status = POSTURE_PLUGIN_TYPES_STATUS_FAIL;
          f.message = concat(&p->name, " has no MFA");
          value = "false";
        }
        f.evidence.ptr = grow(NULL, sizeof *f.evidence.ptr);
        f.evidence.ptr[0] = (posture_plugin_types_evidence_t){
            .key = str("mfa_enabled"), .value = str(value), .path = path(offset + i)};
        f.evidence.len = 1;
        push(ret, f);
      }
      size_t got = page.len;
      posture_plugin_snapshot_list_principal_free(&page);
      if (got < PAGE) break;
      offset += (uint32_t)got;
    }
  }
  posture_plugin_types_evaluation_context_free(context);
  return true;
}
