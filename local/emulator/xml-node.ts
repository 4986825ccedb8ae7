/** Helpers for walking what fast-xml-parser returns (objects, strings, arrays; attributes prefixed @_). */

export type XmlNode = unknown;

const ATTRIBUTE_PREFIX = '@_';
const TEXT_KEY = '#text';

function isObject(node: XmlNode): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** The text of a node: a leaf string, the #text of an element with attributes, else ''. */
export function textOf(node: XmlNode): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return textOf(node[0]);
  if (isObject(node) && typeof node[TEXT_KEY] === 'string') return node[TEXT_KEY];
  return '';
}

/** The first child element of that name, or undefined. */
export function childOf(node: XmlNode, name: string): XmlNode | undefined {
  if (!isObject(node)) return undefined;
  const child = node[name];
  return Array.isArray(child) ? child[0] : child;
}

/** Every child element of that name, as an array whether the parser gave one or not. */
export function childrenOf(node: XmlNode, name: string): XmlNode[] {
  if (!isObject(node)) return [];
  const child = node[name];
  if (child === undefined) return [];
  return Array.isArray(child) ? child : [child];
}

export function hasChild(node: XmlNode, name: string): boolean {
  return isObject(node) && node[name] !== undefined;
}

/** Child element names (attributes and text left out), in document order of first appearance. */
export function elementNames(node: XmlNode): string[] {
  if (!isObject(node)) return [];
  return Object.keys(node).filter((key) => !key.startsWith(ATTRIBUTE_PREFIX) && key !== TEXT_KEY);
}

export function attributeOf(node: XmlNode, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const value = node[`${ATTRIBUTE_PREFIX}${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Whether a node is a leaf (text only, no child elements). */
export function isLeaf(node: XmlNode): boolean {
  return typeof node === 'string' || (isObject(node) && elementNames(node).length === 0);
}
