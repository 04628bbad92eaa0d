/*
 * pop3_flow.h - the POP3 driver's internal interface.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_PROBE_POP3_FLOW_H
#define MT_PROBE_POP3_FLOW_H

#include "flow.h"

/* Authenticate as asked (USER/PASS, APOP, SASL); 0 on success. */
int	pop3_auth(struct flow *);

#endif
