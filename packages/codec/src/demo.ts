// A short walk through the codec: build a message, encode it, decode it back.
import { encodeErrorResponse, encodeNotification, ErrorResponseDecoder, Message, NotificationDecoder } from './index.js';

const TOKEN = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';

const message = new Message().to(TOKEN).withLocKey('GAME_PLAY_REQUEST_FORMAT').withLocArgs(['Jenna', 'Frank']).withId(1);
console.log('payload  ', JSON.stringify(message));
const frame = encodeNotification(message.toNotification());
console.log(`frame     ${frame.length} bytes: ${frame.toString('hex')}`);
const [decoded] = new NotificationDecoder().push(frame);
if (decoded?.kind === 'notification') {
  console.log(`decoded   ${decoded.format} id=${decoded.id} token=${decoded.token.toString('hex').slice(0, 16)}… payload=${decoded.payload}`);
}
const [response] = new ErrorResponseDecoder().push(encodeErrorResponse(8, 1));
if (response?.kind === 'error-response') console.log(`error     status ${response.status} (${response.info.name}) for id ${response.id}`);
