import { encodeNotification, NotificationDecoder, Message } from '@apnskit/codec';

const message = new Message().to('740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad')
  .withLocKey('GAME_PLAY_REQUEST_FORMAT')
  .withLocArgs(['Jenna', 'Frank'])
  .withId(1);
const frame = encodeNotification(message.toNotification(), 'frame'); // command 2; also 'enhanced', 'simple'

const decoder = new NotificationDecoder(); // streaming: feed chunks of any size
const [head, tail] = [frame.subarray(0, 10), frame.subarray(10)];
console.log(`${decoder.push(head).length} results: the frame is not complete yet`);
for (const result of decoder.push(tail)) {
  if (result.kind === 'notification') console.log(result.id, result.tokenHex().slice(0, 8), result.payloadText());
  else console.log(`Apple would answer status ${result.status} for id ${result.id}: ${result.reason}`);
}
