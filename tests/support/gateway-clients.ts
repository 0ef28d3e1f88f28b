// supabase-js clients against a running local stack, as an app would make them.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import type { RunningStack } from '../../stack/stack.ts'
import type { Database } from '../../types/database.ts'

export function anonClient(stack: RunningStack): SupabaseClient<Database> {
  return createClient<Database>(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
}

/** A client signed up (and so signed in) as a new user with this email. */
export async function signedInClient(stack: RunningStack, email: string): Promise<SupabaseClient<Database>> {
  const client = anonClient(stack)
  const { error } = await client.auth.signUp({ email, password: `${email}-password` })
  if (error) throw new Error(`sign-up of ${email} failed: ${error.message}`)
  return client
}
