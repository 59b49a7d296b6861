import { describeFaultSuite } from '../faults/fault-suite.js';

// The fast part of the fault suite, in `npm test`: a 2 s CLIENT PAUSE on a real Redis Cluster master
// behind two BFF processes. `npm run test:faults` runs every fault on every topology, with no allowance;
// here a 150 ms allowance covers the other jest worker sharing the two cores.
describeFaultSuite('cluster', { only: ['pause'], schedulingAllowanceMs: 150 });
