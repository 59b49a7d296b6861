import { describeFaultSuite } from './fault-suite.js';

describeFaultSuite('cluster');
