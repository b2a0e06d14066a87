// Reads Backstage catalog entities (a JSON array) on stdin and checks them with @backstage/catalog-model's
// own code: the entity policies the catalog applies to every entity it ingests, the kind validators, and
// the relations its model derives from each kind's relation fields (with their reverse relations).
// Prints {"errors": [...], "relations": [[source, type, target], ...]} as JSON; exit 0 unless it crashed.
import { createRequire } from 'node:module';

// The package's CommonJS build: its ES-module build imports lodash paths Node cannot resolve.
const require = createRequire(import.meta.url);
const {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
} = require('@backstage/catalog-model');
const { compileCatalogModel, defaultCatalogEntityModel } = require('@backstage/catalog-model/alpha');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const entities = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const validators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
];
const model = compileCatalogModel([defaultCatalogEntityModel]);
const reverse = new Map(model.listRelations().map(r => [r.forward.type, r.reverse.type]));

const errors = [];
const relations = [];
const known = new Set();
const checked = [];
for (const raw of entities) {
  const label = `${raw.kind}:${raw.metadata?.name}`;
  try {
    const entity = await policy.enforce(raw);
    let accepted = false;
    for (const validator of validators) {
      if (await validator.check(entity)) accepted = true;
    }
    if (!accepted) throw new Error('no kind validator of the catalog accepts it');
    known.add(stringifyEntityRef(entity));
    checked.push(entity);
  } catch (e) {
    errors.push(`${label}: ${e.message}`);
  }
}

for (const entity of checked) {
  const self = stringifyEntityRef(entity);
  const kind = model.getKind({ kind: entity.kind, apiVersion: entity.apiVersion, spec: entity.spec });
  if (!kind) {
    errors.push(`${self}: the catalog model has no kind ${entity.kind}`);
    continue;
  }
  for (const field of kind.relationFields) {
    const value = field.path.split('.').reduce((v, key) => (v == null ? v : v[key]), entity);
    for (const ref of value == null ? [] : [value].flat()) {
      let target;
      try {
        target = stringifyEntityRef(
          parseEntityRef(ref, { defaultKind: field.defaultKind, defaultNamespace: entity.metadata.namespace }),
        );
      } catch (e) {
        errors.push(`${self}: ${field.path} ${ref}: ${e.message}`);
        continue;
      }
      if (!known.has(target)) errors.push(`${self}: ${field.path} names ${target}, which is not in the catalog`);
      relations.push([self, field.relation, target]);
      if (reverse.has(field.relation)) relations.push([target, reverse.get(field.relation), self]);
    }
  }
}
process.stdout.write(JSON.stringify({ errors, relations }));
