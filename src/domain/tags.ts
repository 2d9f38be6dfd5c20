/** Tags Cloudplane puts on the machines it creates, so ownership survives a sync or a crash. */
export const TEMPLATE_TAG = 'cloudplane-template';
export const TASK_TAG = 'cloudplane-task';
