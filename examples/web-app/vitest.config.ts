import { exileProject } from '@exile/test-utils/vitest';

export default exileProject('@exile/example-web-app');
