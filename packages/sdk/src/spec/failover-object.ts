/**
 * The `failoverObject` of an object: what the AWS provider reads in `failoverRegion` instead of
 * the object itself, with its rules.
 */
import { decodeStruct, readStringField } from './fields.js';
import { describeGoYamlValue, type GoYamlValue } from './go-yaml.js';
import type { FailoverObject, ObjectType } from './model.js';
import { fieldContext, type ObjectRules } from './object-rules.js';
import { checkObjectName, parseArn } from './object-type.js';
import type { ObjectLocation } from './problems.js';
import { buildSelector } from './selector.js';

const failoverFields = ['objectName', 'objectVersion', 'objectVersionLabel'] as const;

/** The primary object's fields that failoverObject rules compare against. */
export interface PrimaryFields {
  objectName: string;
  objectAlias: string;
  objectType: string;
  resolvedType: ObjectType | undefined;
  objectVersion: string;
  objectVersionLabel: string;
}

export function resolveFailoverObject(
  value: GoYamlValue | undefined,
  path: string,
  primary: PrimaryFields,
  rules: ObjectRules,
  object: ObjectLocation,
): FailoverObject | undefined {
  if (value === undefined || value.kind === 'null') {
    return undefined;
  }
  const at = `${path}.failoverObject`;
  if (value.kind !== 'map') {
    rules.collector.error(
      at,
      `failoverObject must be a map with objectName, not ${describeGoYamlValue(value)}`,
      object,
    );
    return undefined;
  }

  const context = fieldContext(rules, at, object);
  const fields = decodeStruct(value.entries, failoverFields, context);
  const objectName = readStringField(fields.objectName, 'objectName', context) ?? '';
  const objectVersion = readStringField(fields.objectVersion, 'objectVersion', context) ?? '';
  const objectVersionLabel =
    readStringField(fields.objectVersionLabel, 'objectVersionLabel', context) ?? '';
  // In the failover region the provider sends the failover version and label, else the primary's.
  const version = objectVersion || primary.objectVersion;
  const label = objectVersionLabel || primary.objectVersionLabel;

  if (objectName === '') {
    if (rules.failoverRegion === undefined || (objectVersion === '' && objectVersionLabel === '')) {
      rules.collector.warn(
        at,
        'failoverObject has no objectName, so the AWS provider ignores it; add objectName or remove failoverObject',
        object,
      );
      return undefined;
    }
    rules.collector.warn(
      at,
      `failoverObject has no objectName, so the AWS provider checks none of its rules and reads ${primary.objectName} in ${rules.failoverRegion} with this version; add objectName to make it explicit`,
      object,
    );
    if (primary.resolvedType === undefined) {
      return undefined;
    }
    return {
      objectName: primary.objectName,
      ...(objectVersion === '' ? {} : { objectVersion }),
      ...(objectVersionLabel === '' ? {} : { objectVersionLabel }),
      selector: buildSelector(primary.resolvedType, version, label),
    };
  }

  let valid = true;
  if (primary.objectAlias === '') {
    rules.collector.error(
      `${path}.objectAlias`,
      `an object with a failoverObject needs an objectAlias, because the primary and the failover names differ; add objectAlias, such as objectAlias: "${primary.objectName.split(/[/:]/).pop() || 'secret'}"`,
      object,
    );
    valid = false;
  }
  if (rules.failoverRegion === undefined) {
    rules.collector.error(
      at,
      'failoverObject needs spec.parameters.failoverRegion, the region it is read from; add failoverRegion or remove failoverObject',
      object,
    );
    valid = false;
  }

  const check = checkObjectName(
    objectName,
    primary.objectType,
    rules.failoverRegion,
    'failoverRegion',
  );
  for (const error of check.errors) {
    const field = error.field === 'objectName' ? `${at}.objectName` : `${path}.objectType`;
    rules.collector.error(field, `failoverObject: ${error.message}`, object);
    valid = false;
  }
  for (const warning of check.warnings) {
    rules.collector.warn(`${at}.objectName`, `failoverObject: ${warning.message}`, object);
  }
  const failoverArn = parseArn(objectName);
  const primaryArn = parseArn(primary.objectName);
  if (
    primary.objectType === '' &&
    failoverArn !== undefined &&
    primaryArn !== undefined &&
    failoverArn.service !== primaryArn.service
  ) {
    rules.collector.warn(
      `${at}.objectName`,
      `the failover ARN's service ${failoverArn.service} differs from the primary's ${primaryArn.service}; the AWS provider reads it with the primary's service, which fails`,
      object,
    );
  }

  if (
    primary.resolvedType === 'ssmparameter' &&
    objectVersion !== '' &&
    objectVersionLabel !== ''
  ) {
    rules.collector.error(
      `${at}.objectVersionLabel`,
      'an ssmparameter failoverObject may set objectVersion or objectVersionLabel, not both; remove one',
      object,
    );
    valid = false;
  }
  if (objectVersion !== primary.objectVersion) {
    rules.collector.error(
      `${at}.objectVersion`,
      `failoverObject.objectVersion ${JSON.stringify(objectVersion)} must equal the object's objectVersion ${JSON.stringify(primary.objectVersion)}; write the same value in both or remove both`,
      object,
    );
    valid = false;
  }

  if (!valid || primary.resolvedType === undefined) {
    return undefined;
  }
  return {
    objectName,
    ...(objectVersion === '' ? {} : { objectVersion }),
    ...(objectVersionLabel === '' ? {} : { objectVersionLabel }),
    selector: buildSelector(primary.resolvedType, version, label),
  };
}
