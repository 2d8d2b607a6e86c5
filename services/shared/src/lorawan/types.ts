/**
 * LoRaWAN 1.0.x frame types. DevAddr, EUIs and NetID are lowercase hex in display order
 * (most-significant byte first); see bytes.ts for why.
 */

export const MTYPES = [
  'JoinRequest',
  'JoinAccept',
  'UnconfirmedDataUp',
  'UnconfirmedDataDown',
  'ConfirmedDataUp',
  'ConfirmedDataDown',
  'RejoinRequest',
  'Proprietary',
] as const;

/** MType by its 3-bit code (index in MTYPES). Code 6 is RFU in 1.0 and RejoinRequest in 1.1. */
export type MType = (typeof MTYPES)[number];

export type DataMType = 'UnconfirmedDataUp' | 'UnconfirmedDataDown' | 'ConfirmedDataUp' | 'ConfirmedDataDown';

export type Direction = 'up' | 'down';

export interface Mhdr {
  mtype: MType;
  /** 0 = LoRaWAN R1, the only major version defined. */
  major: number;
}

/**
 * FCtrl kept bit-for-bit so a parsed frame re-encodes to the same bytes. Two bits mean different
 * things per direction: bit 6 is ADRACKReq up / RFU down, bit 4 is ClassB up (1.0.2+) / FPending
 * down.
 */
export interface FCtrl {
  adr: boolean;
  adrAckReq: boolean;
  ack: boolean;
  fPending: boolean;
  fOptsLen: number;
}

export interface DataFrame {
  kind: 'data';
  mhdr: Mhdr & { mtype: DataMType };
  direction: Direction;
  confirmed: boolean;
  devAddr: string;
  fCtrl: FCtrl;
  /** Low 16 bits of the frame counter, as carried on air. */
  fCnt: number;
  fOpts: Uint8Array;
  /** `null` when the frame carries no FPort (and therefore no FRMPayload). */
  fPort: number | null;
  /** FRMPayload as on air (encrypted). */
  frmPayload: Uint8Array;
  mic: Uint8Array;
  /** The whole PHYPayload the frame was parsed from or built into. */
  bytes: Uint8Array;
}

export interface JoinRequestFrame {
  kind: 'join_request';
  mhdr: Mhdr & { mtype: 'JoinRequest' };
  joinEui: string;
  devEui: string;
  devNonce: number;
  mic: Uint8Array;
  bytes: Uint8Array;
}

/** A join-accept as received: everything after the MHDR is encrypted, MIC included. */
export interface EncryptedJoinAcceptFrame {
  kind: 'join_accept';
  mhdr: Mhdr & { mtype: 'JoinAccept' };
  encrypted: Uint8Array;
  bytes: Uint8Array;
}

/** Proprietary frames have no LoRaWAN structure after the MHDR (not even a defined MIC). */
export interface ProprietaryFrame {
  kind: 'proprietary';
  mhdr: Mhdr & { mtype: 'Proprietary' };
  payload: Uint8Array;
  bytes: Uint8Array;
}

export type PhyPayload = DataFrame | JoinRequestFrame | EncryptedJoinAcceptFrame | ProprietaryFrame;

export interface DlSettings {
  /** LoRaWAN 1.1 only; always false for a 1.0 network server. */
  optNeg: boolean;
  rx1DrOffset: number;
  rx2DataRate: number;
}

/** Decrypted join-accept fields. */
export interface JoinAccept {
  /** JoinNonce (1.1 name) / AppNonce (1.0 name), 24 bits. */
  joinNonce: number;
  netId: string;
  devAddr: string;
  dlSettings: DlSettings;
  /** RxDelay "Del" nibble; 0 means 1 s, like 1 (see rx1DelaySeconds). */
  rxDelay: number;
  /** Raw 16-byte CFList, or null when absent. */
  cfList: Uint8Array | null;
  mic: Uint8Array;
}

export interface SessionKeys {
  nwkSKey: Uint8Array;
  appSKey: Uint8Array;
}
