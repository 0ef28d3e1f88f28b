// Packs embedding inputs into provider requests within the API's limits: at most 2,048 inputs
// and 300,000 tokens per request.
export interface RequestLimits {
  maxInputs: number
  maxTokens: number
}

export const OPENAI_LIMITS: RequestLimits = { maxInputs: 2048, maxTokens: 300_000 }

export function packRequests<T extends { tokens: number }>(items: T[], limits: RequestLimits = OPENAI_LIMITS): T[][] {
  const requests: T[][] = []
  let current: T[] = []
  let tokens = 0
  for (const item of items) {
    if (current.length > 0 && (current.length >= limits.maxInputs || tokens + item.tokens > limits.maxTokens)) {
      requests.push(current)
      current = []
      tokens = 0
    }
    current.push(item)
    tokens += item.tokens
  }
  if (current.length > 0) requests.push(current)
  return requests
}
