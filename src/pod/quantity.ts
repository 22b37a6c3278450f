import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

/** A cdk8s Size as a Kubernetes quantity (`50Gi`). */
export function sizeQuantity(size: Size): k8s.Quantity {
  return k8s.Quantity.fromString(size.asString());
}
