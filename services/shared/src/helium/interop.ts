/**
 * Helium's JS libraries ship as CommonJS. Depending on the loader (tsx, vitest, plain node ESM)
 * a default import yields either the export itself or the whole `module.exports` object, so this
 * is the one place that resolves them; everything else imports from here.
 */
import * as addressModule from '@helium/address';
import * as protoModule from '@helium/proto';

type AddressClass = typeof addressModule.default;

function resolveAddressClass(): AddressClass {
  const candidate: unknown = addressModule.default;
  const nested = (candidate as { default?: unknown } | undefined)?.default;
  return (typeof nested === 'function' ? nested : candidate) as AddressClass;
}

export const HeliumAddress: AddressClass = resolveAddressClass();
export const heliumAddressUtils = addressModule.utils;
export const KeyTypes = addressModule.KeyTypes;
export const NetTypes = addressModule.NetTypes;

type ProtoModule = typeof protoModule;

function resolveProtoRoot(): ProtoModule['helium'] {
  const direct = (protoModule as { helium?: ProtoModule['helium'] }).helium;
  if (direct) return direct;
  return (protoModule as unknown as { default: ProtoModule }).default.helium;
}

/** The `helium` protobuf namespace of @helium/proto (helium.poc_lora.*, helium.entropy_report_v1, ...). */
export const heliumProto: ProtoModule['helium'] = resolveProtoRoot();
export type HeliumProto = typeof protoModule.helium;
