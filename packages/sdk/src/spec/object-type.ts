/**
 * `objectName` and `objectType` rules, as the AWS provider's `validateObjectName` applies them:
 * ARN format and region, and the object type written or inferred from an ARN.
 */
import type { ObjectType } from './model.js';

/** The parts of an ARN, split as aws-sdk-go-v2's `arn.Parse` splits them. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** The services an ARN may name when `objectType` is omitted; `ssm` means ssmparameter. */
const arnServices = new Map<string, ObjectType>([
  ['secretsmanager', 'secretsmanager'],
  ['ssm', 'ssmparameter'],
  ['ssmparameter', 'ssmparameter'],
]);

/** Splits an ARN into its six colon-separated parts; the resource may hold more colons. */
export function parseArn(name: string): Arn | undefined {
  const parts = name.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) {
    return undefined;
  }
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** The outcome of the objectName and objectType rules for one name. */
export interface ObjectNameCheck {
  errors: { field: 'objectName' | 'objectType'; message: string }[];
  warnings: { field: 'objectName' | 'objectType'; message: string }[];
  /** The resolved type, when the rules allow one. */
  objectType: ObjectType | undefined;
}

function describeTypeFix(objectType: string): string {
  const lower = objectType.toLowerCase();
  if (lower === 'ssm') {
    return 'write objectType: "ssmparameter"';
  }
  if (lower === 'secretsmanager' || lower === 'ssmparameter') {
    return `objectType is case-sensitive: write objectType: "${lower}"`;
  }
  return 'write objectType: "secretsmanager" or objectType: "ssmparameter"';
}

/**
 * Checks a name against `objectType` and the region it is read from. `objectType` is the text
 * written, empty when omitted.
 */
export function checkObjectName(
  objectName: string,
  objectType: string,
  region: string | undefined,
  regionField: string,
): ObjectNameCheck {
  const result: ObjectNameCheck = { errors: [], warnings: [], objectType: undefined };
  const isArn = objectName.startsWith('arn:');
  const arn = isArn ? parseArn(objectName) : undefined;
  if (isArn && arn === undefined) {
    result.errors.push({
      field: 'objectName',
      message: `${objectName} is not a valid ARN; an ARN has six parts, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, such as arn:aws:secretsmanager:us-east-1:111122223333:secret:my-secret-AbCdEf`,
    });
    return result;
  }
  if (arn !== undefined && arn.region === '') {
    result.errors.push({
      field: 'objectName',
      message: `the ARN ${objectName} has no region (the part after ${arn.service || 'the service'} is empty); write the full ARN with its region, such as arn:aws:secretsmanager:${region ?? 'us-east-1'}:111122223333:secret:my-secret-AbCdEf`,
    });
  } else if (arn !== undefined && region !== undefined && arn.region !== region) {
    // A failover ARN usually names the primary region by mistake, so moving failoverRegion
    // there would only clash with region.
    const fix =
      regionField === 'region'
        ? `set region: "${arn.region}" or use the ARN of the copy in ${region}`
        : `use the ARN of the copy in ${region}`;
    result.errors.push({
      field: 'objectName',
      message: `the ARN names region ${arn.region}, but it is read from ${regionField} ${region}; ${fix}`,
    });
  }

  if (objectType === '') {
    if (arn === undefined) {
      result.errors.push({
        field: 'objectType',
        message:
          'objectType is missing; write objectType: "secretsmanager" or objectType: "ssmparameter" (it may be omitted only when objectName is a full ARN)',
      });
      return result;
    }
    result.objectType = arnServices.get(arn.service);
    if (result.objectType === undefined) {
      result.errors.push({
        field: 'objectType',
        message: `the ARN's service ${arn.service} is neither secretsmanager nor ssm, so the type cannot be inferred; write objectType: "secretsmanager" or objectType: "ssmparameter"`,
      });
    }
    return result;
  }

  if (objectType !== 'secretsmanager' && objectType !== 'ssmparameter') {
    result.errors.push({
      field: 'objectType',
      message: `objectType ${objectType} is invalid; ${describeTypeFix(objectType)}`,
    });
    return result;
  }
  result.objectType = objectType;
  if (arn !== undefined) {
    const arnType = arnServices.get(arn.service);
    // The provider compares a Go map lookup, whose zero value for an unknown service equals
    // ssmparameter, so ssmparameter with any unknown ARN service passes there.
    if (arnType === undefined && objectType === 'ssmparameter') {
      result.warnings.push({
        field: 'objectName',
        message: `the ARN's service ${arn.service} is not ssm; AWS will not find this parameter. Use an ARN of the form arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`,
      });
    } else if (arnType === undefined) {
      result.errors.push({
        field: 'objectType',
        message: `objectType ${objectType} does not match the ARN's service ${arn.service}; use a Secrets Manager ARN (arn:aws:secretsmanager:...)`,
      });
    } else if (arnType !== objectType) {
      result.errors.push({
        field: 'objectType',
        message: `objectType ${objectType} does not match the ARN's service ${arn.service}; write objectType: "${arnType}" or remove objectType`,
      });
    }
  }
  return result;
}
