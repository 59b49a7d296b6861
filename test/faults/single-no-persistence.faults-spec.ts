import { describeRestartWithoutPersistence } from './fault-suite.js';

describeRestartWithoutPersistence();
