// Request shapes of the chat widget.
import { z } from 'zod'

const domain = z.string().min(1).max(253).transform((d) => d.toLowerCase())
const sessionId = z.string().min(8).max(128).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')

export const ConfigQuery = z.object({ domain })
export const ConversationQuery = z.object({ domain, session_id: sessionId })

export const ChatBody = z.object({
  domain,
  session_id: sessionId,
  message: z.string().trim().min(1).max(4000),
  conversation_id: z.uuid().optional(),
})
export type ChatBody = z.infer<typeof ChatBody>

export const VerifyBody = z.object({
  domain,
  session_id: sessionId,
  email: z.email().transform((e) => e.toLowerCase()),
  order_number: z.string().trim().min(1).max(64).optional(),
})

export const ConfirmBody = z.object({
  domain,
  session_id: sessionId,
  verification_id: z.uuid(),
  code: z.string().regex(/^\d{6}$/),
})
