// One line per command; each module exports register(program).
import type { Command } from 'commander';
import { register as info } from './info.js';
import { register as decode } from './decode.js';
import { register as permutation } from './permutation.js';
import { register as fetch } from './fetch.js';
import { register as demo } from './demo.js';
import { register as simulate } from './simulate.js';
import { register as spacenet } from './spacenet.js';
import { register as searchlight } from './searchlight.js';
import { register as group } from './group.js';
import { register as mask } from './mask.js';
import { register as image } from './image.js';
import { register as predict } from './predict.js';
import { register as plugin } from './plugin.js';
import { register as plot } from './plot.js';
import { register as view } from './view.js';

export function registerCommands(program: Command): void {
  info(program);
  decode(program);
  permutation(program);
  fetch(program);
  demo(program);
  simulate(program);
  spacenet(program);
  searchlight(program);
  group(program);
  mask(program);
  image(program);
  predict(program);
  plugin(program);
  plot(program);
  view(program);
}
