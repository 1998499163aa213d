// '@apnskit/client/testing': the whole-ledger check that the client's tests, the chaos scenario
// and the demo share.
export { checkLedger, watchPossibleDuplicates, type GatewayRecord, type LedgerCheck } from './ledger.js';
