// Act 3: read the feedback service and list the tokens to drop.
import type { TlsInput } from '@apnskit/client';
import { feedback } from '@apnskit/feedback';
import { shortToken, step } from './display.js';

export async function feedbackAct(address: string, tls: TlsInput): Promise<string[]> {
  const gone: string[] = [];
  for await (const { token, timestamp } of feedback(address, tls)) {
    gone.push(token);
    step('feedback', `${shortToken(token)} uninstalled at ${timestamp.toISOString()} → stop pushing to it`);
  }
  if (gone.length === 0) step('feedback', 'no tokens to drop');
  return gone;
}
