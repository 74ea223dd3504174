// Entry of the suite bundle: registers globalThis.argonSuite (suite.ts does it on import).
import './suite.ts';
