import { exileProject } from '@exile/test-utils/vitest';

export default exileProject('kernel-facts');
