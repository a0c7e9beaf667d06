export { localNtXent } from './local-nt-xent.js';
export type { LocalNtXentOptions } from './local-nt-xent.js';
export { localClip } from './local-clip.js';
export type { LocalClipOptions } from './local-clip.js';
export { localSupCon } from './local-sup-con.js';
export type { LocalSupConOptions } from './local-sup-con.js';
