/**
 * The resolved model of a SecretProviderClass (`secrets-store.csi.x-k8s.io/v1`, provider
 * `aws`): what the parser in this folder produces and every other part of kura consumes.
 * Field names follow the AWS provider's words.
 */

export type ObjectType = 'secretsmanager' | 'ssmparameter';

/**
 * How `/` in a file name is treated: replaced by `replacement` (the default is `_`), or kept
 * as a directory separator when translation is off (`pathTranslation: "False"`).
 */
export type PathTranslation = { kind: 'replace'; replacement: string } | { kind: 'off' };

/** How a version is asked for. `latest` means no selector: the current version. */
export type VersionSelector =
  | { kind: 'latest' }
  | { kind: 'versionId'; versionId: string }
  | { kind: 'versionStage'; versionStage: string }
  | { kind: 'ssmVersion'; version: string }
  | { kind: 'ssmLabel'; label: string }
  | { kind: 'versionIdAndStage'; versionId: string; versionStage: string };

/** One `jmesPath` entry of an object: a JSON field written to a file of its own. */
export interface JmesPathEntry {
  /** The JMESPath expression as written; it compiled while parsing. */
  path: string;
  /** The entry's `objectAlias`, used as its file name. */
  objectAlias: string;
  /** Final file name in the mount dir, relative, `/`-separated. */
  fileName: string;
  /** File mode bits, such as `0o644`; inherited from the object unless set. */
  filePermission: number;
}

/** The `failoverObject` of an object: what to read in `failoverRegion` instead. */
export interface FailoverObject {
  objectName: string;
  objectVersion?: string;
  objectVersionLabel?: string;
  /** Selector sent to the failover region. */
  selector: VersionSelector;
}

/** One entry of `objects`, validated and resolved. */
export interface SpcObject {
  /** Zero-based index in `objects`. */
  index: number;
  /** Name, partial ARN or full ARN, exactly as written. */
  objectName: string;
  objectType: ObjectType;
  objectAlias?: string;
  objectVersion?: string;
  objectVersionLabel?: string;
  /** Selector sent to AWS, derived from `objectVersion` and `objectVersionLabel`. */
  selector: VersionSelector;
  /** Final file name in the mount dir, relative, `/`-separated. */
  fileName: string;
  /** File mode bits, such as `0o644` (the default) or `0o600`. */
  filePermission: number;
  jmesPath: JmesPathEntry[];
  failoverObject?: FailoverObject;
}

/** One `data` item of a `secretObjects` entry. */
export interface SecretObjectData {
  /** Key in the Kubernetes Secret, without the white space around it that the CSI driver removes. */
  key: string;
  /**
   * `objectName` as written in the SecretProviderClass, without the white space around it that
   * the CSI driver removes: a file name the SPC produces, or one object's objectName.
   */
  objectName: string;
  /** The file name that `objectName` resolved to. */
  fileName: string;
}

/** One `secretObjects` entry: a Kubernetes Secret the CSI driver would sync. */
export interface SecretObject {
  /** The Secret's name, without the white space around it that the CSI driver removes. */
  secretName: string;
  /** Kubernetes Secret type, such as `Opaque` or `kubernetes.io/tls`, trimmed the same way. */
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: SecretObjectData[];
}

/** A rule the AWS provider does not enforce, reported as data instead of being logged. */
export interface SpecWarning {
  document: string;
  objectIndex?: number;
  objectName?: string;
  field: string;
  message: string;
}

/** A SecretProviderClass resolved to the values every other part of kura uses. */
export interface SecretProviderClass {
  /** `metadata.name`. */
  name: string;
  /** `metadata.namespace`, `default` when omitted. */
  namespace: string;
  /** Primary region: `region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`. */
  region: string;
  failoverRegion?: string;
  pathTranslation: PathTranslation;
  usePodIdentity: boolean;
  /** `preferredAddressType` for the Pod Identity agent, when set. */
  preferredAddressType?: 'ipv4' | 'ipv6' | 'auto';
  objects: SpcObject[];
  secretObjects: SecretObject[];
  warnings: SpecWarning[];
}
