import { register } from 'node:module';
register('./report-packages.mjs', import.meta.url);
