export { localNtXent } from './local-nt-xent.js';
export type { LocalNtXentOptions, Name as LocalNtXentInput } from './local-nt-xent.js';
export { localClip } from './local-clip.js';
export type { LocalClipOptions, Name as LocalClipInput } from './local-clip.js';
export { localSupCon } from './local-sup-con.js';
export type { LocalSupConOptions, Name as LocalSupConInput } from './local-sup-con.js';
