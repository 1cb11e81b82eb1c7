/* What the files of the sensitive case share. */
#ifndef SENSITIVE_H
#define SENSITIVE_H

/* A vector's name, or "no fault" for FAULT_NONE. */
const char *vec_name(int v);
/* debug.c: #DB and #BP as the guest's own IDT receives them. */
void check_debug_exceptions(void);

#endif
