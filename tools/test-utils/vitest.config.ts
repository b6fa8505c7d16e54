import { exileProject } from './vitest-project.js';

export default exileProject('@exile/test-utils');
