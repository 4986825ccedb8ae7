/**
 * `lookup` and `inspect`: an object's fields, as a client discovers them before querying. They
 * describe the fields `query` accepts for the company, so EMPLOYEE's contact fields follow its
 * naming: in 'contact' mode lookup lists a CONTACT relationship (query `CONTACT.FIRSTNAME`) and no
 * PERSONALINFO.* field, and inspect names the fields CONTACT.*; in 'personalinfo' mode both list
 * PERSONALINFO.* fields and no CONTACT relationship.
 *
 * lookup's <Type Name=.. DocumentType=..> with Fields (ID, LABEL, DESCRIPTION, REQUIRED, READONLY,
 * DATATYPE, VALIDVALUES, ISCUSTOM) and Relationships (OBJECTPATH, OBJECTNAME, LABEL,
 * RELATIONSHIPTYPE, RELATEDBY) follows developer.intacct.com (web-services/queries, "Finding an
 * object's queryable fields"). The <data> attributes and inspect's detail elements are not
 * published; the emulator's choice is marked where it is made.
 */
import type { QueryField } from './contact-fields';
import { isContactRelationshipField, queryFieldNames } from './contact-fields';
import type { FunctionOutcome, ReadScope } from './read-scope';
import { queryFailure, requireReadableSchema } from './read-scope';
import type { FieldType, ObjectName, ObjectSchema } from './schema';
import { findSchema, REQUIRED_ON_CREATE, SCHEMAS, statusValuesOf } from './schema';
import type { XmlNode } from './xml-node';
import { attributeOf, childOf, textOf } from './xml-node';
import { element, escapeAttribute, renderData } from './xml-render';

/** Chosen: production's listtype for lookup/inspect answers is not published. */
const DESCRIBE_LIST_TYPE = 'All';
const ALL_OBJECTS = '*';
const DETAIL_ON = '1';

const DISPLAY_NAMES: Record<ObjectName, string> = { CUSTOMER: 'Customer', EMPLOYEE: 'Employee', DEPARTMENT: 'Department' };

const DATA_TYPES: Record<FieldType, string> = { integer: 'INTEGER', text: 'TEXT', date: 'DATE', timestamp: 'TIMESTAMP' };

const LABELS: Record<string, string> = {
  RECORDNO: 'Record number',
  CUSTOMERID: 'Customer ID',
  EMPLOYEEID: 'Employee ID',
  DEPARTMENTID: 'Department ID',
  DEPARTMENTKEY: 'Department key',
  LOCATIONID: 'Location ID',
  LOCATIONKEY: 'Location key',
  PARENTID: 'Parent ID',
  PARENTKEY: 'Parent key',
  SUPERVISORID: 'Manager ID',
  STARTDATE: 'Start date',
  ENDDATE: 'End date',
  CONTACT_NAME: 'Contact name',
  STATUS: 'Status',
  WHENCREATED: 'When created',
  WHENMODIFIED: 'When modified',
  MEGAENTITYID: 'Created at - Entity ID',
  MEGAENTITYNAME: 'Created at - Entity name',
  RECORD_URL: 'Record URL',
  CONTACTNAME: 'Contact name',
  FIRSTNAME: 'First name',
  LASTNAME: 'Last name',
  MI: 'Middle name',
  PRINTAS: 'Print as',
  EMAIL1: 'Primary email address',
};

/** A readable label: a known one, else the last part of the name in sentence case. */
function labelOf(stored: string): string {
  const known = LABELS[stored] ?? LABELS[stored.split('.').at(-1) ?? ''];
  if (known) return known;
  const last = (stored.split('.').at(-1) ?? stored).replace(/_/g, ' ').toLowerCase();
  return last.charAt(0).toUpperCase() + last.slice(1);
}

interface FieldFacts {
  name: string;
  label: string;
  required: boolean;
  readOnly: boolean;
  dataType: string;
  validValues: readonly string[];
}

function factsOf(schema: ObjectSchema, field: QueryField): FieldFacts {
  const isStatus = field.stored === 'STATUS';
  return {
    name: field.name,
    label: labelOf(field.stored),
    required: (REQUIRED_ON_CREATE[schema.name] ?? []).includes(field.stored),
    readOnly: schema.readOnly.has(field.stored),
    dataType: isStatus ? 'ENUM' : DATA_TYPES[schema.fieldTypes.get(field.stored) ?? 'text'],
    validValues: isStatus ? statusValuesOf(schema) : [],
  };
}

function validValuesXml(values: readonly string[], list: string, item: string): string {
  return values.length === 0 ? '' : `<${list}>${values.map((value) => element(item, value)).join('')}</${list}>`;
}

function lookupFieldXml(facts: FieldFacts): string {
  return (
    `<Field>${element('ID', facts.name)}${element('LABEL', facts.label)}${element('DESCRIPTION', facts.label)}` +
    `${element('REQUIRED', String(facts.required))}${element('READONLY', String(facts.readOnly))}` +
    `${element('DATATYPE', facts.dataType)}${validValuesXml(facts.validValues, 'VALIDVALUES', 'VALIDVALUE')}` +
    `${element('ISCUSTOM', 'false')}</Field>`
  );
}

/** The CONTACT relationship of EMPLOYEE in contact mode: what lets a client query CONTACT.*. */
const CONTACT_RELATIONSHIP =
  `<Relationship>${element('OBJECTPATH', 'CONTACT')}${element('OBJECTNAME', 'CONTACT')}${element('LABEL', 'Contact')}` +
  `${element('RELATIONSHIPTYPE', 'MANY2ONE')}${element('RELATEDBY', 'CONTACT_NAME')}</Relationship>`;

function schemaFrom(body: XmlNode): ObjectSchema {
  const objectName = textOf(childOf(body, 'object')).trim();
  if (objectName !== '') return requireReadableSchema(objectName);
  // Either element names the object; <name> by its printable name (Employee), as inspect allows.
  const printable = textOf(childOf(body, 'name')).trim().toLowerCase();
  const byName = (Object.keys(DISPLAY_NAMES) as ObjectName[]).find((name) => DISPLAY_NAMES[name].toLowerCase() === printable);
  const schema = byName ? findSchema(byName) : undefined;
  if (!schema) throw queryFailure(`Object definition ${printable || '(none)'} not found`, 'Give the object in <object> or <name>.');
  return schema;
}

function describeData(types: string[]): FunctionOutcome {
  return { data: renderData({ listtype: DESCRIBE_LIST_TYPE, count: types.length }, types.join('')), records: 0 };
}

/** `lookup`: the object's queryable fields and relationships under the company's naming. */
export function runLookup(scope: ReadScope, body: XmlNode): FunctionOutcome {
  const schema = schemaFrom(body);
  const fields = queryFieldNames(schema, scope.contactFields).filter(
    (field) => !isContactRelationshipField(schema, field.stored, scope.contactFields),
  );
  const hasContact = fields.length < schema.fields.length;
  const type =
    `<Type Name="${escapeAttribute(schema.name)}" DocumentType="">` +
    `<Fields>${fields.map((field) => lookupFieldXml(factsOf(schema, field))).join('')}</Fields>` +
    `<Relationships>${hasContact ? CONTACT_RELATIONSHIP : ''}</Relationships></Type>`;
  return describeData([type]);
}

/** Chosen shape for inspect detail="1": one <Field> per field, its facts as child elements. */
function inspectFieldXml(facts: FieldFacts): string {
  return (
    `<Field>${element('Name', facts.name)}${element('DisplayLabel', facts.label)}${element('Description', facts.label)}` +
    `${element('isRequired', String(facts.required))}${element('isReadOnly', String(facts.readOnly))}` +
    `${element('dataName', facts.dataType)}${validValuesXml(facts.validValues, 'validValues', 'value')}</Field>`
  );
}

/**
 * `inspect`: with `<object>*</object>` the objects there are; otherwise one object's fields under
 * the company's naming, by name only, or with `detail="1"` with their facts.
 */
export function runInspect(scope: ReadScope, body: XmlNode): FunctionOutcome {
  if (textOf(childOf(body, 'object')).trim() === ALL_OBJECTS) {
    return describeData(Object.values(SCHEMAS).map((schema) => `<Type Name="${schema.name}">${DISPLAY_NAMES[schema.name]}</Type>`));
  }
  const schema = schemaFrom(body);
  const detailed = attributeOf(body, 'detail') === DETAIL_ON;
  const fields = queryFieldNames(schema, scope.contactFields);
  const fieldsXml = fields.map((field) => (detailed ? inspectFieldXml(factsOf(schema, field)) : element('Field', field.name))).join('');
  const attributes = detailed
    ? `<Attributes>${element('TypeName', schema.name)}${element('DisplayName', DISPLAY_NAMES[schema.name])}</Attributes>`
    : '';
  return describeData([`<Type Name="${escapeAttribute(schema.name)}">${attributes}<Fields>${fieldsXml}</Fields></Type>`]);
}
