import { describeFaultSuite } from './fault-suite.js';

describeFaultSuite('sentinel');
