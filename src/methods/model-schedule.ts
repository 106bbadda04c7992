/** The schedule a model is evaluated and sampled with: the one it learned, or its config's. */
import { scheduleFromName, type Schedule } from "../diffusion/schedule.js";
import type { TrainConfig } from "../train/config.js";
import type { MethodModel } from "./method.js";

/** model.learnedSchedule() when the method learns its schedule, else the config's diffusion.schedule. */
export function modelSchedule(model: MethodModel, config: TrainConfig): Schedule {
  return model.learnedSchedule?.() ?? scheduleFromName(config.diffusion.schedule);
}
