import type { Message, MessagePropertyHeaders, Options } from 'amqplib';
import { currentRequestId, REQUEST_ID_HEADER } from '../request-scope.js';
import { newMessageId } from './delivery.js';
import type { DeadLetter } from './index.js';

/** How many attempts a message has been through, carried across retries. */
export const ATTEMPTS_HEADER = 'x-attempts';
/** The error of the last failed attempt. */
export const LAST_ERROR_HEADER = 'x-last-error';
/** A domain event's routing key, kept because retries travel through the default exchange. */
export const EVENT_KEY_HEADER = 'x-event-key';

/** Headers a message keeps when it is retried or dead-lettered; the broker's own (x-death) are dropped. */
const CARRIED_HEADERS = [REQUEST_ID_HEADER, EVENT_KEY_HEADER];

/** What a consumer reads off a delivered message besides its payload. */
export interface DeliveryFacts {
  id: string;
  requestId?: string;
  /** The event's routing key, or the queue's name for a plain message. */
  routingKey: string;
  previousAttempts: number;
}

/** Properties of a new persistent JSON message, carrying the request id (the current one by default). */
export function newMessageProperties(
  requestId: string | undefined,
  extraHeaders: MessagePropertyHeaders = {},
): Options.Publish {
  const headers: MessagePropertyHeaders = { ...extraHeaders, [ATTEMPTS_HEADER]: 0 };
  const id = requestId ?? currentRequestId();
  if (id !== undefined) headers[REQUEST_ID_HEADER] = id;
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: newMessageId(),
    timestamp: Math.floor(Date.now() / 1000),
    headers,
  };
}

/** The message's properties for its next hop, with the attempt count (and error) it carries there. */
export function nextHopProperties(message: Message, failure: { attempts: number; error?: string }): Options.Publish {
  const original = message.properties.headers ?? {};
  const headers: MessagePropertyHeaders = { [ATTEMPTS_HEADER]: failure.attempts };
  for (const name of CARRIED_HEADERS) if (original[name] !== undefined) headers[name] = original[name];
  if (failure.error !== undefined) headers[LAST_ERROR_HEADER] = failure.error;
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: readDelivery(message).id,
    timestamp: message.properties.timestamp ?? Math.floor(Date.now() / 1000),
    headers,
  };
}

export function readDelivery(message: Message): DeliveryFacts {
  const headers = message.properties.headers ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    // Messages published by other clients may lack an id; give them one, kept from the first retry on.
    id: text(message.properties.messageId) ?? newMessageId(),
    requestId: text(headers[REQUEST_ID_HEADER]),
    routingKey: text(headers[EVENT_KEY_HEADER]) ?? message.fields.routingKey,
    previousAttempts: Number(headers[ATTEMPTS_HEADER] ?? 0) || 0,
  };
}

export function toDeadLetter(message: Message): DeadLetter {
  const { id, requestId, previousAttempts } = readDelivery(message);
  const text = message.content.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // A dead letter is worth seeing even when it is not JSON (it may be why it died).
    payload = text;
  }
  return {
    id,
    payload,
    error: String(message.properties.headers?.[LAST_ERROR_HEADER] ?? ''),
    attempts: previousAttempts,
    requestId,
  };
}
