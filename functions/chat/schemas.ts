// Request shapes of the chat widget. The visitor's session is not named in a request: it comes from
// the visitor token (X-Visitor-Token header, visitor-token.ts).
import { z } from 'zod'

const domain = z.string().min(1).max(253).transform((d) => d.toLowerCase())

export const ConfigQuery = z.object({ domain })
export const ConversationQuery = z.object({ domain })
export const SessionBody = z.object({ domain })

export const ChatBody = z.object({
  domain,
  message: z.string().trim().min(1).max(4000),
  conversation_id: z.uuid().optional(),
})
export type ChatBody = z.infer<typeof ChatBody>

export const VerifyBody = z.object({
  domain,
  email: z.email().transform((e) => e.toLowerCase()),
  order_number: z.string().trim().min(1).max(64).optional(),
})

export const ConfirmBody = z.object({
  domain,
  verification_id: z.uuid(),
  code: z.string().regex(/^\d{6}$/),
})
