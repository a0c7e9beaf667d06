/** Threads per workgroup of every kernel (within WebGPU's default `maxComputeInvocationsPerWorkgroup` of 256). */
export const workgroupSize = 64;
/** u32 words in each kernel's parameter block (binding 0); the last one always holds the bits of -Infinity. */
export const paramWords = 48;
export const negativeInfinityBits = 0xff800000;

/**
 * Shared WGSL: the parameter block `p(k)` / `pf(k)`, the linear thread index over a 2-D dispatch grid, and float
 * helpers that do not rely on IEEE behaviour of the compiler (NaN tests by bits, log1p by its atanh series).
 */
export const prelude = /* wgsl */ `
struct Params { data: array<vec4<u32>, ${paramWords / 4}> }
@group(0) @binding(0) var<uniform> params: Params;
fn p(k: u32) -> u32 { return params.data[k / 4u][k % 4u]; }
fn pf(k: u32) -> f32 { return bitcast<f32>(p(k)); }
// -Infinity, from the last parameter word (WGSL rejects infinite constants; the runner always sets this word).
fn negativeInfinity() -> f32 { return pf(${paramWords - 1}u); }
// log(x) with log(0) = -Infinity exactly (SwiftShader returns log of the smallest normal instead).
fn logExact(x: f32) -> f32 { return select(log(x), negativeInfinity(), x == 0.0); }
fn threadIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * ${workgroupSize}u + lid;
}
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn nanMax(x: f32, y: f32) -> f32 { if (isNan(x) || isNan(y)) { return x + y; } return max(x, y); }
fn nanMin(x: f32, y: f32) -> f32 { if (isNan(x) || isNan(y)) { return x + y; } return min(x, y); }
// log(1 + x) with full relative precision near 0: 2 atanh(u), u = x / (2 + x), summed as a series for |u| < 0.2.
fn log1pPrecise(x: f32) -> f32 {
  if (x > -0.3 && x < 0.5) {
    let u = x / (2.0 + x);
    let u2 = u * u;
    let series = 1.0 + u2 * (1.0 / 3.0 + u2 * (1.0 / 5.0 + u2 * (1.0 / 7.0 + u2 * (1.0 / 9.0 + u2 * (1.0 / 11.0 + u2 / 13.0)))));
    return 2.0 * u * series;
  }
  return logExact(1.0 + x);
}
`;

/** The entry point header every kernel uses; `index` is the linear thread index. */
export const entryPoint = /* wgsl */ `
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let index = threadIndex(wid, nwg, lid);`;

export function storage(binding: number, name: string, access: 'read' | 'read_write', type = 'f32'): string {
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${type}>;`;
}
