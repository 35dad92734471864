import { USER_PREFIX, USER_PROPS } from '../../model/dataset.js';
import type { ZfsCapabilities } from './capabilities.js';

/** Native properties every flavour has, in the column order of the listing. */
const NATIVE = [
  'type',
  'guid',
  'createtxg',
  'creation',
  'used',
  'referenced',
  'origin',
  'mountpoint',
  'mounted',
  'userrefs',
  'usedbysnapshots',
  'usedbydataset',
  'available',
] as const;

export const USER_PROPERTY_NAMES = Object.values(USER_PROPS).map((p) => USER_PREFIX + p);

/** Properties read for the world model: native ones the flavour has, then our user properties. */
export function listingProperties(caps: Pick<ZfsCapabilities, 'written'>): string[] {
  return [...NATIVE, ...(caps.written ? ['written'] : []), ...USER_PROPERTY_NAMES];
}
