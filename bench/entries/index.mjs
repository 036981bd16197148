/** Every benchmark `npm run bench` runs, in order. Add a new entry's module here. */
import { rotationPropagation } from './rotation-propagation.mjs';

export const entries = [rotationPropagation];
